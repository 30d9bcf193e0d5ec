def post_init_hook(env):
    """The dealer companies' shipped levels that handle money pay, and
    receive payment reminders and send remittance advice, too."""
    env["customer_connect.access.level"].with_context(active_test=False).search(
        [("code", "in", ("full", "accounts_payable", "payments_only"))]
    ).write({"can_pay": True, "can_receive_reminders": True, "can_send_remittance": True})

    # autopay (issue 21): the bookkeeper's levels set it up
    env["customer_connect.access.level"].with_context(active_test=False).search(
        [("code", "in", ("full", "accounts_payable"))]
    ).write({"can_autopay": True})
