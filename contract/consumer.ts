// A strict consumer of the blog API, written as a frontend would write it: typed by
// openapi-typescript from /api/v2/schema/ (./api.d.ts, generated, not committed), fetching
// with openapi-fetch. Compiled with `tsc --strict`; run with node against a live server, it
// checks at runtime that what the types promise is what arrives.
//
//   node consumer.js BASE_URL HTML_PATH
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

// The two Node globals used below (no @types/node: the consumer is plain ES2022).
declare const process: { argv: string[]; exit(code: number): never };

type Schemas = components["schemas"];
type Page = Schemas["Page"];
type PageDetail = Schemas["PageDetail"];
type Post = Schemas["BlogPostPage"];
type Rendition = Schemas["Rendition"];

// A page as the API sent it without `fields=`: every key of its type is there.
function isDetail(page: Page): page is PageDetail {
  return "id" in page && "meta" in page && "title" in page && "seo" in page;
}

// The union is discriminated by `meta.type`; TypeScript narrows on top-level keys only,
// so one guard per type reads it.
function isPost(page: PageDetail): page is Post {
  return page.meta.type === "blog.BlogPostPage";
}

function pageKind(page: PageDetail): string {
  const type = page.meta.type;
  switch (type) {
    case "blog.HomePage":
      return "home";
    case "blog.BlogIndexPage":
      return "index";
    case "blog.BlogPostPage":
      return "post";
    default: {
      const unreachable: never = type; // a new page type must be handled here
      return unreachable;
    }
  }
}

// `srcset` for <img>: the image's ready-made renditions, widest last.
function srcset(renditions: Schemas["Renditions"]): string {
  const all: Rendition[] = [renditions.thumbnail, renditions.medium, renditions.large];
  return all
    .sort((a, b) => a.width - b.width)
    .map((rendition) => `${rendition.url} ${rendition.width}w`)
    .join(", ");
}

function firstImageSrcset(post: Post): string | null {
  for (const block of post.body) {
    if (block.type === "image" && block.value.image !== null) {
      return srcset(block.value.image.renditions);
    }
  }
  return post.featured_image ? srcset(post.featured_image.renditions) : null;
}

function inlineText(nodes: Schemas["RichTextInline"][]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case "text":
          return node.text;
        case "link":
          return inlineText(node.children);
        case "break":
          return "\n";
      }
    })
    .join("");
}

function astText(nodes: Schemas["RichTextNode"][]): string {
  return nodes
    .map((node): string => {
      switch (node.type) {
        case "paragraph":
        case "heading":
          return inlineText(node.children);
        case "list":
          return node.children
            .map((item) =>
              item.children
                .map((child) => (child.type === "list" ? astText([child]) : inlineText([child])))
                .join(""),
            )
            .join("\n");
      }
    })
    .join("\n");
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`contract broken: ${message}`);
}

async function main(baseUrl: string, htmlPath: string): Promise<void> {
  const client = createClient<paths>({ baseUrl });

  const { data: found, error } = await client.GET("/api/v2/path/", {
    params: { query: { html_path: htmlPath } },
  });
  check(error === undefined && found !== undefined, `path lookup failed: ${error?.message}`);
  check(found.type === "page", "the path is a page");
  const page = found.page;
  check(isDetail(page), "a detail without fields= has every key");
  check(isPost(page), "the path is a post");

  const title: string = page.title;
  const ogTitle: string = page.seo.og.title;
  const readingTime: number = page.reading_time;
  const imageSrcset: string | null = firstImageSrcset(page);
  const canonical = page.seo.head.find((tag) => tag.tag === "link");
  check(typeof title === "string" && title.length > 0, "title is a string");
  check(typeof ogTitle === "string" && ogTitle.length > 0, "seo.og.title is a string");
  check(Number.isInteger(readingTime) && readingTime >= 1, "reading_time is minutes");
  check(imageSrcset === null || / \d+w/.test(imageSrcset), "srcset lists widths");
  check(canonical !== undefined && canonical.href === page.seo.canonical_url, "head links canonical");
  check(pageKind(page) === "post", "narrowed by meta.type");

  const { data: tree } = await client.GET("/api/v2/pages/{id}/", {
    params: { path: { id: page.id }, query: { body_format: "ast" } },
  });
  check(tree !== undefined && isDetail(tree) && isPost(tree), "the post again, as a tree");
  const paragraphs = tree.body.flatMap((block) =>
    block.type === "paragraph" && "ast" in block.value ? [astText(block.value.ast)] : [],
  );
  check(paragraphs.length > 0 && paragraphs.every((text) => text.length > 0), "rich text tree");

  const { data: listing } = await client.GET("/api/v2/pages/", {
    params: { query: { type: "blog.BlogPostPage", limit: 5 } },
  });
  check(listing !== undefined, "listing");
  const total: number = listing.meta.total_count;
  const titles = listing.items.map((item) => item.title ?? "(no title selected)");
  check(total >= titles.length && titles.length > 0, "listing counts its items");

  // Paging: `meta.next` is the next page's ready-made URL, null on the last page.
  const { data: firstPage } = await client.GET("/api/v2/pages/", {
    params: { query: { type: "blog.BlogPostPage", limit: 2, fields: "title" } },
  });
  check(firstPage !== undefined, "first page of posts");
  const next: string | null = firstPage.meta.next;
  check(next !== null, "a next page while items remain");
  const following = (await (await fetch(next)).json()) as Schemas["PageListing"];
  check(following.meta.page === 2 && following.meta.previous !== null, "next is page 2");
  const pagesSeen = [firstPage.meta.page, following.meta.page];

  const missing = await client.GET("/api/v2/pages/{id}/", { params: { path: { id: 2147483646 } } });
  const message: string | undefined = missing.error?.message;
  check(missing.response.status === 404 && typeof message === "string", "404 has a message");

  const parent = page.meta.parent;
  const kinds = [pageKind(page), parent ? parent.meta.type : "(no parent)"];
  console.log(
    JSON.stringify({ title, ogTitle, imageSrcset, kinds, titles, total, message, pagesSeen }),
  );
}

const [baseUrl, htmlPath] = process.argv.slice(2);
main(baseUrl ?? "http://127.0.0.1:8000", htmlPath ?? "/").catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
