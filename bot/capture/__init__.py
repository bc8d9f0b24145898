"""The use cases free text, commands and mail share when they capture something: open a deal
(`deals.open_deal`), add or match a contact (`contacts`), record a follow-up (`followups`), and the
duplicate check on a colleague's customer (`offer`). Duplicate checks and permissions live here, once.
"""
