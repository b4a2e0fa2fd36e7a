"""The page editor's form: scheduling fields say which timezone their times are in.

Editors schedule from anywhere; the admin reads the times in the server's ``TIME_ZONE``
(or the editor's own, set in their account preferences), and says so beside the fields.
"""

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

SCHEDULING_FIELDS = ("go_live_at", "expire_at")


class BlogPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in SCHEDULING_FIELDS:
            if name in self.fields:
                self.fields[name].help_text = f"Time in {zone}."
