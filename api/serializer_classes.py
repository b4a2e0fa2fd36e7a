"""Wagtail's generated serializer classes, built once per process, with their fields.

Wagtail's API builds a new serializer class for every request (``type()`` over the
requested fields, its child serializers too), and DRF introspects the model again for
every serializer instance to build its fields. Both depend only on the endpoint, the
model, the field selection and the kind of view, so each class is kept (least recently
used out past ``KEPT``; a ``fields`` parameter can name many selections) and builds its
fields once; each instance gets its own deep copy, as DRF gives it its declared fields.
Per-request state (nested selections, the render context) travels in the serializer
context, never in the class (``api.views.pages``).
"""

import copy
import threading
from collections import OrderedDict

KEPT = 512

_classes: OrderedDict[tuple, type] = OrderedDict()
_lock = threading.Lock()


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    return value


def _fields_built_once(self):
    """``get_fields`` of a kept class: the model introspected once, a copy per instance."""
    klass = type(self)
    built = klass.__dict__.get("_fields_built")
    if built is None:
        built = super(klass, self).get_fields()
        klass._fields_built = built
    return copy.deepcopy(built)


def serializer_class_kept(*, key: tuple, build) -> type:
    """The class ``build()`` makes for ``key`` (endpoint, model, selection, view kind),
    built once per process; an error (an unknown field) is raised every time."""
    key = _hashable(key)
    with _lock:
        klass = _classes.get(key)
        if klass is not None:
            _classes.move_to_end(key)
            return klass
    klass = build()
    klass.get_fields = _fields_built_once
    with _lock:
        klass = _classes.setdefault(key, klass)
        _classes.move_to_end(key)
        while len(_classes) > KEPT:
            _classes.popitem(last=False)
    return klass
