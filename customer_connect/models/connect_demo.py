import random
from datetime import timedelta

from odoo import api, fields, models

FARM_WORDS = [
    "Greenacres",
    "Hillside",
    "Brookfield",
    "Oakleigh",
    "Meadowbank",
    "Riverside",
    "Highfield",
    "Ashgrove",
    "Willowbrook",
    "Thornbury",
    "Beechwood",
    "Longmead",
    "Fernhill",
    "Stonegate",
    "Kingsmoor",
    "Redbarn",
    "Westfield",
    "Elmtree",
    "Foxcote",
    "Hollybush",
    "Larkrise",
    "Millbrook",
    "Newlands",
    "Orchard End",
]
FARM_KINDS = ["Farm", "Dairy Farm", "Farms Ltd", "Estate", "Arable Partnership", "Livestock"]
GOLF_PLACES = [
    "Aberdeen Municipal",
    "Royal Deeside",
    "Kingsbarns Links",
    "Westwood Park",
    "Old Course Meadow",
    "Heathland",
    "Castle Hill",
    "Fairway Downs",
    "Loch Vale",
    "Pinewood",
    "Silverbirch",
    "Saint Andrews Road",
]
CONTRACTOR_NAMES = [
    "John Frost",
    "Barlow & Sons",
    "Addison",
    "Fyle",
    "Brown Brothers",
    "Carter",
    "McAllister",
    "Dunmore",
    "Henderson",
    "Kerr",
    "Whitlock",
    "Pryce",
]
CONTRACTOR_KINDS = [
    "Groundworks Ltd",
    "Landscaping",
    "Plant Hire",
    "Agricultural Contractors",
    "Fencing & Drainage",
    "Turf Care Ltd",
]
FIRST_NAMES = [
    "Alan",
    "Fiona",
    "James",
    "Morag",
    "Thomas",
    "Claire",
    "George",
    "Heather",
    "Ian",
    "Karen",
    "Stuart",
    "Eilidh",
    "Robert",
    "Jean",
    "Callum",
    "Susan",
]
LAST_NAMES = [
    "Barlow",
    "Furber",
    "Brown",
    "Addison",
    "Fyle",
    "Smythe",
    "Campbell",
    "Stewart",
    "Robertson",
    "Murray",
    "Fraser",
    "Grant",
    "Innes",
    "Reid",
]
CITIES = [
    ("Aberdeen", "AB10 1XG"),
    ("Inverurie", "AB51 3QA"),
    ("Banchory", "AB31 5TT"),
    ("Stonehaven", "AB39 2HH"),
    ("Ellon", "AB41 9AA"),
    ("Huntly", "AB54 8BB"),
    ("Peterhead", "AB42 1DL"),
    ("Turriff", "AB53 4AA"),
]
STREETS = ["Main Road", "Mill Lane", "Station Road", "Farm Road"]
DEMO_PRODUCTS = [
    ("Compact tractor 25 hp", 18500.0),
    ("Front loader bucket", 2400.0),
    ("Baler twine, 2 x 5 kg", 38.5),
    ("Mower blade set", 96.0),
    ("Hydraulic oil, 20 l", 74.0),
    ("Spring service kit", 189.0),
]
LINES = [
    ("General Parts Sale", 8, 180),
    ("Workshop labour: service", 90, 650),
    ("Tractor service kit", 120, 480),
    ("Mower blades and bedknife", 60, 340),
    ("Hydraulic hoses", 25, 210),
    ("Compact tractor hire", 350, 1400),
    ("Used equipment: ride-on mower", 2500, 9800),
    ("Baler twine and net wrap", 40, 600),
]


def _slug(text):
    return "".join(
        c for c in text.lower().replace("&", "and").replace(" ", "-") if c.isalnum() or c == "-"
    )


class CustomerConnectDemo(models.AbstractModel):
    """Demo dealer: a believable customer base with a year of invoices."""

    _name = "customer_connect.demo"
    _description = "Customer Connect demo dealer"

    @api.model
    def _generate_demo_dealer(self, customer_count=150, seed=18):
        """Create the demo dealer's customers, contacts, invoices, credit notes
        and payments. Deterministic for a given seed; dates relative to today
        so that the aging buckets stay filled."""
        rng = random.Random(seed)
        company = self.env.company
        if not company.chart_template:
            self.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        customers = self._demo_customers(rng, customer_count, company)
        invoices = self._demo_invoices(rng, customers, company)
        self._demo_payments(rng, invoices)
        self._demo_orders(rng, customers, company)
        self._demo_portal_contact(customers)
        self._demo_pending_invitations(customers[1:5])
        return customers

    @api.model
    def _demo_customer_names(self, rng, count):
        names, seen = [], set()
        makers = [
            lambda: f"{rng.choice(FARM_WORDS)} {rng.choice(FARM_KINDS)}",
            lambda: f"{rng.choice(GOLF_PLACES)} Golf Club",
            lambda: f"{rng.choice(CONTRACTOR_NAMES)} {rng.choice(CONTRACTOR_KINDS)}",
            lambda: (
                f"Mr{rng.choice(['', 's'])} {rng.choice(FIRST_NAMES)[0]}. {rng.choice(LAST_NAMES)}"
            ),
        ]
        weights = [45, 15, 25, 15]
        while len(names) < count:
            name = rng.choices(makers, weights)[0]()
            if name not in seen:
                seen.add(name)
                names.append(name)
        names[0] = "Greenacres Farm"  # the demo customer with a portal login
        return names

    @api.model
    def _demo_customers(self, rng, count, company):
        Partner = self.env["res.partner"]
        vals_list = []
        for index, name in enumerate(self._demo_customer_names(rng, count)):
            city, zip_code = rng.choice(CITIES)
            person = name.startswith(("Mr ", "Mrs "))
            domain = _slug(name.split(" ", 1)[-1] if person else name) + ".example"
            vals = {
                "name": name,
                "is_company": not person,
                "ref": str(10001 + index),
                "company_id": company.id,
                "street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                "city": city,
                "zip": zip_code,
                "phone": f"+44 1224 {rng.randint(100000, 999999)}",
                "customer_rank": 1,
            }
            if person:
                # one private customer in ten has no e-mail: cannot be invited
                vals["email"] = (
                    False if index % 10 == 3 else f"{_slug(name.split(' ')[-1])}{index}@{domain}"
                )
            else:
                vals["email"] = f"office@{domain}" if index % 7 else False
                children = [
                    {
                        "name": "Accounts Payable",
                        "type": "invoice",
                        "email": f"accounts@{domain}" if index % 11 != 5 else False,
                        "company_id": company.id,
                    }
                ]
                for _n in range(rng.randint(1, 2)):
                    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                    children.append(
                        {
                            "name": f"{first} {last}",
                            "type": "contact",
                            "function": rng.choice(
                                ["Owner", "Manager", "Head Greenkeeper", "Workshop"]
                            ),
                            "email": f"{first.lower()}.{last.lower()}@{domain}",
                            "company_id": company.id,
                        }
                    )
                vals["child_ids"] = [fields.Command.create(c) for c in children]
            vals_list.append(vals)
        return Partner.create(vals_list)

    @api.model
    def _demo_payment_terms(self, company):
        Term = self.env["account.payment.term"]
        early = Term.create(
            {
                "name": "2% 10 days, net 30 (demo)",
                "company_id": company.id,
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    fields.Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        net30 = self.env.ref(
            "account.account_payment_term_30days", raise_if_not_found=False
        ) or Term.create(
            {
                "name": "30 days (demo)",
                "company_id": company.id,
                "line_ids": [
                    fields.Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        return early, net30

    @api.model
    def _demo_invoices(self, rng, customers, company):
        early, net30 = self._demo_payment_terms(company)
        today = fields.Date.context_today(self)
        vals_list = []
        for customer in customers:
            for _n in range(rng.randint(1, 7)):
                invoice_date = today - timedelta(days=int(rng.triangular(0, 365, 20)))
                move_type = "out_refund" if rng.random() < 0.07 else "out_invoice"
                lines = []
                for _line in range(rng.randint(1, 3)):
                    label, low, high = rng.choice(LINES)
                    lines.append(
                        fields.Command.create(
                            {
                                "name": label,
                                "quantity": rng.randint(1, 3),
                                "price_unit": round(rng.uniform(low, high), 2),
                                "tax_ids": [],
                            }
                        )
                    )
                vals_list.append(
                    {
                        "move_type": move_type,
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "invoice_date": invoice_date,
                        "invoice_payment_term_id": (early if rng.random() < 0.3 else net30).id
                        if move_type == "out_invoice"
                        else False,
                        "invoice_line_ids": lines,
                    }
                )
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        return moves.filtered(lambda m: m.move_type == "out_invoice")

    @api.model
    def _demo_payments(self, rng, invoices):
        today = fields.Date.context_today(self)
        for invoice in invoices.sorted("id"):
            age = (today - invoice.invoice_date).days
            roll = rng.random()
            # old invoices are mostly settled, recent ones mostly open
            if roll < min(0.85, age / 200):
                amount = invoice.amount_residual
            elif roll < min(0.95, age / 200 + 0.1):
                amount = round(invoice.amount_residual * rng.choice([0.25, 0.5, 0.6]), 2)
            else:
                continue
            pay_date = min(today, invoice.invoice_date + timedelta(days=rng.randint(5, 60)))
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": pay_date})._create_payments()

    @api.model
    def _demo_orders(self, rng, customers, company):
        """Sale orders for the Open Orders page: Greenacres Farm has one of
        each kind (nothing delivered, part delivered, delivered and not
        invoiced, completed), a few other customers one open order each."""
        # demo data is the system's: the dealer's sales rights are not the
        # point of the demo generator (it also runs from a test's user)
        products = (
            self.env["product.product"]
            .sudo()
            .create(
                [
                    {"name": name, "type": "consu", "list_price": price, "taxes_id": []}
                    for name, price in DEMO_PRODUCTS
                ]
            )
        )
        SaleOrder = self.env["sale.order"].sudo()
        farm = customers.filtered(lambda c: c.name == "Greenacres Farm")[:1]
        plan = [(farm, kind) for kind in ("waiting", "partial", "to_invoice", "done")]
        plan += [(customer, "waiting") for customer in rng.sample(list(customers - farm), 8)]
        today = fields.Datetime.now()
        orders = SaleOrder
        for customer, kind in plan:
            picked = rng.sample(list(products), 2)
            order = SaleOrder.create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "client_order_ref": f"PO-{rng.randint(1000, 9999)}",
                    "date_order": today - timedelta(days=rng.randint(2, 60)),
                    "commitment_date": today + timedelta(days=rng.randint(3, 40)),
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": rng.randint(1, 4),
                                "tax_id": [],
                            }
                        )
                        for product in picked
                    ],
                }
            )
            order.action_confirm()
            lines = order.order_line
            if kind == "partial":
                lines[0].qty_delivered = lines[0].product_uom_qty
            elif kind in ("to_invoice", "done"):
                for line in lines:
                    line.qty_delivered = line.product_uom_qty
            if kind == "done":
                order._create_invoices().action_post()
            orders |= order
        return orders

    @api.model
    def _demo_pending_invitations(self, customers):
        """A few customers invited and not yet activated (their e-mails wait
        in the mail queue), as on the manual's dashboard."""
        contacts = self.env["res.partner"]
        for customer in customers:
            contacts |= customer._connect_invite_candidates()[:1]
        return contacts._connect_invite(raise_on_refusal=False)

    @api.model
    def _demo_portal_contact(self, customers):
        """The billing contact of Greenacres Farm already uses the portal."""
        farm = customers.filtered(lambda c: c.name == "Greenacres Farm")[:1]
        contact = farm.child_ids.filtered(lambda c: c.type == "invoice")[:1]
        contact.email = "accounts@greenacres-farm.example"
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": contact.name,
                    "login": contact.email,
                    "password": "portal",
                    "partner_id": contact.id,
                    "company_id": self.env.company.id,
                    "company_ids": [fields.Command.set(self.env.company.ids)],
                    "groups_id": [fields.Command.set(self.env.ref("base.group_portal").ids)],
                }
            )
        )
        now = fields.Datetime.now()
        contact.sudo().write(
            {
                "connect_login_state": "active",
                "connect_first_invited": now - timedelta(days=30),
                "connect_last_invited": now - timedelta(days=30),
                "connect_activated_on": now - timedelta(days=29),
                "connect_email_confirmed": True,
                "connect_last_login": now - timedelta(days=2),
            }
        )
        return user
