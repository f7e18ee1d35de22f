from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or an empty list: templates cannot index a dict by a variable."""
    return mapping.get(key, [])
