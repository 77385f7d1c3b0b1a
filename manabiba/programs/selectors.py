"""Reads of programmes and their classifications."""

from dataclasses import dataclass, field

from manabiba.programs.models import Category


@dataclass(frozen=True)
class CategoryGroup:
    """A major field of learning and the sub-fields under it."""

    major: str
    name_en: str
    minors: list[Category] = field(default_factory=list)


def category_list() -> list[CategoryGroup]:
    """Every field of learning, grouped by major field, in the catalogue's order.

    A major field may exist only through its sub-fields (no row with an empty ``minor``);
    it is still listed, in the position of its first sub-field.
    """
    groups: dict[str, CategoryGroup] = {}
    for category in Category.objects.order_by("sort_order", "id"):
        group = groups.get(category.major)
        if group is None:
            group = CategoryGroup(major=category.major, name_en=category.name_en if not category.minor else "")
            groups[category.major] = group
        elif not category.minor and not group.name_en:
            group = CategoryGroup(major=group.major, name_en=category.name_en, minors=group.minors)
            groups[category.major] = group
        if category.minor:
            group.minors.append(category)
    return list(groups.values())
