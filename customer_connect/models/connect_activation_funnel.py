from odoo import api, fields, models, tools
from odoo.tools import SQL


class CustomerConnectActivationFunnel(models.Model):
    """The activation funnel, per dealer company and ISO week of invitation
    (UTC): customer accounts invited, activated, and paying for the first
    time after activation, with the average and median hours of each step.

    The unit is a customer account in a dealer company: invited when its
    first contact was first invited, activated when its first contact
    completed the account (a login shared from another dealer company
    counts when it was shared), paid at its first posted inbound customer
    payment in that company recorded after the activation
    (``_first_payment_condition``: customer_connect_payments narrows it to
    payments made in the portal). Times are those Odoo recorded:
    ``connect_first_invited``, ``connect_activated_on`` on the contacts, the
    payment's creation. One SQL view; medians need the rows, so they are
    computed per week here, not aggregated across weeks.
    """

    _name = "customer_connect.activation.funnel"
    _description = "Customer Connect activation funnel"
    _auto = False
    _order = "week_start desc, company_id"
    _rec_name = "week"

    company_id = fields.Many2one("res.company", "Dealer company", readonly=True)
    week_start = fields.Date("Week of", readonly=True)
    week = fields.Char("ISO week", readonly=True)
    invited_count = fields.Integer("Invited", readonly=True)
    activated_count = fields.Integer("Activated", readonly=True)
    paid_count = fields.Integer("First payment", readonly=True)
    activation_rate = fields.Float("Activated (%)", readonly=True, aggregator=None, digits=(16, 1))
    hours_to_activate_avg = fields.Float(
        "Hours to activate (avg)", readonly=True, aggregator=None, digits=(16, 1)
    )
    hours_to_activate_median = fields.Float(
        "Hours to activate (median)", readonly=True, aggregator=None, digits=(16, 1)
    )
    hours_to_pay_avg = fields.Float(
        "Hours activation to payment (avg)", readonly=True, aggregator=None, digits=(16, 1)
    )
    hours_to_pay_median = fields.Float(
        "Hours activation to payment (median)", readonly=True, aggregator=None, digits=(16, 1)
    )

    @api.model
    def _first_payment_condition(self):
        """Which payments count as the account's first payment (``pay`` is
        account_payment): posted inbound customer payments."""
        return SQL(
            "pay.payment_type = 'inbound' AND pay.partner_type = 'customer'"
            " AND pay.state IN ('in_process', 'paid')"
        )

    @api.model
    def _query(self):
        return SQL(
            """
            WITH accounts AS (
                SELECT p.commercial_partner_id AS customer_id,
                       COALESCE(p.company_id, a.company_id) AS company_id,
                       MIN(p.connect_first_invited) AS invited_on,
                       MIN(p.connect_activated_on) AS activated_on
                  FROM res_partner p
                  JOIN res_partner a ON a.id = p.commercial_partner_id
                 WHERE p.connect_first_invited IS NOT NULL
                 GROUP BY 1, 2
            ), steps AS (
                SELECT acc.company_id,
                       date_trunc('week', acc.invited_on)::date AS week_start,
                       acc.activated_on,
                       EXTRACT(EPOCH FROM acc.activated_on - acc.invited_on) / 3600.0
                           AS hours_to_activate,
                       EXTRACT(EPOCH FROM paid.paid_on - acc.activated_on) / 3600.0
                           AS hours_to_pay,
                       paid.paid_on
                  FROM accounts acc
                  LEFT JOIN LATERAL (
                      SELECT MIN(pay.create_date) AS paid_on
                        FROM account_payment pay
                        JOIN res_partner pp ON pp.id = pay.partner_id
                       WHERE pp.commercial_partner_id = acc.customer_id
                         AND pay.company_id IS NOT DISTINCT FROM acc.company_id
                         AND pay.create_date >= acc.activated_on
                         AND %(condition)s
                  ) paid ON TRUE
            )
            SELECT row_number() OVER (ORDER BY week_start, company_id) AS id,
                   company_id,
                   week_start,
                   to_char(week_start, 'IYYY-"W"IW') AS week,
                   COUNT(*) AS invited_count,
                   COUNT(activated_on) AS activated_count,
                   COUNT(paid_on) AS paid_count,
                   100.0 * COUNT(activated_on) / COUNT(*) AS activation_rate,
                   AVG(hours_to_activate) AS hours_to_activate_avg,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_activate)
                       AS hours_to_activate_median,
                   AVG(hours_to_pay) AS hours_to_pay_avg,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_pay)
                       AS hours_to_pay_median
              FROM steps
             GROUP BY company_id, week_start
            """,
            condition=self._first_payment_condition(),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
