"""What a person does on a page, for the browser tests."""

import re


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def tick(page, label: str) -> None:
    """Tick a DSFR checkbox or radio button by clicking its label, as a person does (the
    label covers the input)."""
    page.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()
    assert page.get_by_label(label, exact=True).is_checked()
