from odoo import api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Why an open invoice is left out of collections (reminders, and what else
# chases or charges it). Each area that holds invoices adds its reason in
# ``_hold_reasons`` and ``_holds``, in its own room and with its own ``_lt``:
# disputes here; promises to pay, instalment plans and autopay in theirs.
HOLD_REASONS = {
    "dispute": _lt("in dispute"),
}


class CustomerConnectCollectionHold(models.AbstractModel):
    """The one answer to "may we chase this invoice today?", shared by the
    reminders, autopay and the pages that show why an invoice is not chased
    (as ``account.move.send`` is shared by Odoo's senders).

    Areas extend ``_holds`` (and ``_hold_reasons`` for their label)::

        @api.model
        def _holds(self, moves, on_date):
            holds = super()._holds(moves, on_date)
            for move in moves.filtered(...):
                holds.setdefault(move.id, "promise")
            return holds

    The first reason found is kept; the order of reasons carries no meaning.
    Callers pass many invoices at once (a reminder run reads thousands), so
    an area answers with one query for the whole set, never one per invoice.
    """

    _name = "customer_connect.collection.hold"
    _description = "Customer Connect: invoices held out of collections"

    @api.model
    def _hold_reasons(self):
        """{reason code: label} of every reason installed."""
        return {code: str(label) for code, label in HOLD_REASONS.items()}

    @api.model
    def _holds(self, moves, on_date):
        """{invoice id: reason code} for those of ``moves`` (customer
        invoices, read as the caller may) that collections must leave alone
        on ``on_date``: in dispute (a dispute open or under review)."""
        if not moves:
            return {}
        # the flag is stored on the invoice: one query for the whole set
        disputed = moves.filtered_domain([("connect_in_dispute", "=", True)])
        return dict.fromkeys(disputed.ids, "dispute")

    @api.model
    def _held_ids(self, moves, on_date):
        """The ids of ``moves`` held on ``on_date`` for any reason."""
        return set(self._holds(moves, on_date))
