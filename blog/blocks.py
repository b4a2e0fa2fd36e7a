"""StreamField blocks for a post body.

Each block validates what an editor could get wrong (alt text, a call to action with
neither or both of a page and a URL) with a message written for the editor.
"""

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


class PostBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, icon="pilcrow")
    image = ImageBlock()
    quote = QuoteBlock()
    code = CodeBlock()
    embed = EmbedBlock(help_text="A YouTube, Vimeo or other oEmbed URL.", icon="media")
    call_to_action = CallToActionBlock()


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
