def post_init_hook(env):
    """Every dealer company starts with its own access levels."""
    env["customer_connect.access.level"]._create_company_defaults(
        env["res.company"].with_context(active_test=False).search([])
    )
