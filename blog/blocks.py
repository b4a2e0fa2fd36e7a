"""StreamField blocks for a post body, and the registry that declares each body block type.

Each block validates what an editor could get wrong (alt text, a call to action with
neither or both of a page and a URL) with a message written for the editor.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = [
    "bold",
    "italic",
    "link",
    "document-link",
    "ol",
    "ul",
    "code",
    "superscript",
    "subscript",
    "strikethrough",
]

CODE_LANGUAGES = [
    ("text", "Plain text"),
    ("bash", "Bash"),
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("json", "JSON"),
    ("yaml", "YAML"),
    ("html", "HTML"),
    ("css", "CSS"),
    ("sql", "SQL"),
    ("go", "Go"),
    ("rust", "Rust"),
]


class HeadingBlock(blocks.StructBlock):
    """A section heading; the level keeps the document outline correct (h1 is the title)."""

    text = blocks.CharBlock(
        max_length=120, help_text="Keep headings short: 120 characters at most."
    )
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (h2)"), ("h3", "Subsection (h3)"), ("h4", "Minor heading (h4)")],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = "Heading"


class ImageBlock(blocks.StructBlock):
    """An image with required alt text: screen readers and search engines depend on it."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe the image for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(max_length=1000)
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "Quote"


class CodeBlock(blocks.StructBlock):
    """Source code; the frontend highlights it by language."""

    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="text")
    code = blocks.TextBlock()

    class Meta:
        icon = "code"
        label = "Code"


class PageOrUrlBlock(blocks.StructBlock):
    """A link to a page of this site or to an external URL: exactly one of the two."""

    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False)

    def clean(self, value):
        result = super().clean(value)
        if bool(result.get("page")) == bool(result.get("url")):
            message = "Choose a page of this site or enter a URL, not both and not neither."
            raise StructBlockValidationError(
                block_errors={
                    "page": ErrorList([ValidationError(message)]),
                    "url": ErrorList([ValidationError(message)]),
                }
            )
        return result


class CallToActionBlock(PageOrUrlBlock):
    """A button linking to a page of this site or to an external URL."""

    text = blocks.CharBlock(max_length=80, help_text="The button label, e.g. 'Subscribe'.")

    class Meta:
        icon = "link"
        label = "Call to action"


# The body's block types, declared once. Each ``BodyBlockType`` names the editor's block and
# the fields of its API value; from this one tuple come the StreamBlock editors use
# (``PostBodyBlock``), the plain text for reading time and excerpts (``blog.services``), the
# API's JSON (``api.streamfield``) and its OpenAPI schema (``api.schema``).


@dataclass(frozen=True)
class TextValue:
    """A string of a struct block; ``text`` puts it in the post's plain text."""

    name: str
    source: str = ""
    default: str = ""
    text: bool = False

    @property
    def key(self) -> str:
        return self.source or self.name


@dataclass(frozen=True)
class ChoiceValue:
    """One of a ``ChoiceBlock``'s choices (the schema lists them); ``default`` when unset."""

    name: str
    choices: tuple[str, ...]
    default: str

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class RichTextValue:
    """The whole block value is rich text: ``html`` by default, ``ast`` on request."""

    text: bool = True


@dataclass(frozen=True)
class ImageValue:
    """An image chooser's id, given as the image object (``null`` once deleted); the struct's
    ``alt`` child, when filled, is the image's alt text here."""

    name: str
    source: str = ""
    alt: str = ""

    @property
    def key(self) -> str:
        return self.source or self.name


@dataclass(frozen=True)
class EmbedValue:
    """The whole block value is an oEmbed URL, given with the stored embed's HTML and size."""


@dataclass(frozen=True)
class PageOrUrlValue:
    """``page`` and ``url`` of a ``PageOrUrlBlock``, given as one resolved link."""


BlockValueField = TextValue | ChoiceValue | RichTextValue | ImageValue | EmbedValue | PageOrUrlValue


@dataclass(frozen=True)
class BodyBlockType:
    name: str
    block: blocks.Block
    fields: tuple[BlockValueField, ...]

    @property
    def stored_as_text(self) -> bool:
        """Rich text and embeds store a string; struct blocks store an object."""
        return any(isinstance(field, RichTextValue | EmbedValue) for field in self.fields)


def _choices(block: blocks.StructBlock, name: str) -> tuple[str, ...]:
    return tuple(value for value, _label in block.child_blocks[name].field.choices if value)


_HEADING = HeadingBlock()

BODY_BLOCK_TYPES: tuple[BodyBlockType, ...] = (
    BodyBlockType(
        "heading",
        _HEADING,
        (
            TextValue("text", text=True),
            ChoiceValue("level", choices=_choices(_HEADING, "level"), default="h2"),
        ),
    ),
    BodyBlockType(
        "paragraph",
        blocks.RichTextBlock(features=PARAGRAPH_FEATURES, icon="pilcrow"),
        (RichTextValue(),),
    ),
    BodyBlockType(
        "image",
        ImageBlock(),
        (
            ImageValue("image", alt="alt_text"),
            TextValue("alt", source="alt_text"),
            TextValue("caption", text=True),
        ),
    ),
    BodyBlockType(
        "quote",
        QuoteBlock(),
        (TextValue("text", text=True), TextValue("attribution")),
    ),
    BodyBlockType(
        "code",
        CodeBlock(),
        (TextValue("language", default="text"), TextValue("code", text=True)),
    ),
    BodyBlockType(
        "embed",
        EmbedBlock(help_text="A YouTube, Vimeo or other oEmbed URL.", icon="media"),
        (EmbedValue(),),
    ),
    BodyBlockType(
        "call_to_action",
        CallToActionBlock(),
        (TextValue("text"), PageOrUrlValue()),
    ),
)
BODY_BLOCKS = {block_type.name: block_type for block_type in BODY_BLOCK_TYPES}

# Built from the registry (Wagtail's declarative metaclass reads the class attributes), in
# its order, so the editor's menu and the stored definitions match the declarations above.
PostBodyBlock = type(
    "PostBodyBlock",
    (blocks.StreamBlock,),
    {
        "__module__": __name__,
        **{block_type.name: block_type.block for block_type in BODY_BLOCK_TYPES},
    },
)


class MenuItemBlock(PageOrUrlBlock):
    """A navigation link: a page of this site or an external URL."""

    label = blocks.CharBlock(max_length=60)

    class Meta:
        icon = "link"


class LinkBlock(blocks.StructBlock):
    """A labelled external link (author profiles, social accounts)."""

    label = blocks.CharBlock(max_length=60, help_text="E.g. 'Website', 'Mastodon', 'GitHub'.")
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
