def post_init_hook(env):
    """The dealer companies' shipped levels, made when customer_connect was
    installed, open this addon's areas where a new install opens them (the
    levels that handle money pay, receive reminders and send remittances;
    the bookkeeper's levels set up autopay)."""
    env["customer_connect.access.level"]._open_areas_on_shipped_levels(
        ("payments", "reminders", "remittances", "autopay")
    )
