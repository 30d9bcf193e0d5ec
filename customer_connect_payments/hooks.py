def post_init_hook(env):
    """The dealer companies' shipped levels that handle money pay too."""
    env["customer_connect.access.level"].with_context(active_test=False).search(
        [("code", "in", ("full", "accounts_payable", "payments_only"))]
    ).write({"can_pay": True})

    # autopay (issue 21): the bookkeeper's levels set it up
    env["customer_connect.access.level"].with_context(active_test=False).search(
        [("code", "in", ("full", "accounts_payable"))]
    ).write({"can_autopay": True})
