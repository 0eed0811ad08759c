"""Entities: a person (the child with a kindergarten place) and the household (family unit)."""
from openfisca_core.entities import build_entity

Household = build_entity(
    key="household",
    plural="households",
    label="Family unit (the fee household: adults and their children at the address)",
    roles=[
        {"key": "child", "plural": "children", "label": "Child with a kindergarten place"},
    ],
)

Person = build_entity(
    key="person",
    plural="persons",
    label="A child with a kindergarten place",
    is_person=True,
)

entities = [Household, Person]
