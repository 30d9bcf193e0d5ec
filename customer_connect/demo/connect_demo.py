"""The demo dealer: customers, contacts and a year of invoices and payments.

Called by demo/demo_dealer.xml, which Odoo loads when Customer Connect is
installed with demo data and bin/first_run.py (bin/run's first run, without
Odoo's demo data) loads itself, and by the tests. Progress goes to this
module's logger at INFO, which bin/run shows while the rest of Odoo is quiet.

Made in bulk: invoices and payments created, numbered, posted and reconciled
a hundred at a time, without chatter; a Register Payment dialog per invoice
took 0.35 s a payment at best.
"""

import base64
import io
import logging
import random
import time
from datetime import timedelta

from PIL import Image, ImageDraw

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

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
# towns of the dealer's area (Aberdeenshire) with postcodes of their districts
CITIES = [
    ("Aberdeen", "AB10 1XG"),
    ("Inverurie", "AB51 3QA"),
    ("Banchory", "AB31 5TT"),
    ("Stonehaven", "AB39 2HH"),
    ("Ellon", "AB41 9AA"),
    ("Huntly", "AB54 8BB"),
    ("Peterhead", "AB42 1DL"),
    ("Turriff", "AB53 4AA"),
    ("Alford", "AB33 8AA"),
    ("Oldmeldrum", "AB51 0AB"),
    ("Kintore", "AB51 0UR"),
    ("Insch", "AB52 6JR"),
]
# Invoices a customer had in the year (drawn from these), and lines on an
# invoice; the customer with a portal login, the first, has one a month.
INVOICES_PER_CUSTOMER = (1, 1, 2)
LINES_PER_INVOICE = (1, 1, 2)
PORTAL_CUSTOMER = "Greenacres Farm"
# the login of its billing contact, who already uses the portal
PORTAL_LOGIN = "accounts@greenacres-farm.example"
STREETS = [
    "Main Road",
    "Mill Lane",
    "Station Road",
    "Farm Road",
    "High Street",
    "Market Place",
    "Burn Road",
    "Kirk Brae",
]
# farms and estates are known by their steading, not a street number
STEADINGS = ["Mains of", "Nether", "Upper", "East", "West"]
# the dealer and its customers are British: dates as 23/11/2026
DEMO_LANG = "en_GB"
DEMO_PRODUCTS = [
    ("Compact tractor 25 hp", 18500.0),
    ("Front loader bucket", 2400.0),
    ("Baler twine, 2 x 5 kg", 38.5),
    ("Mower blade set", 96.0),
    ("Hydraulic oil, 20 l", 74.0),
    ("Spring service kit", 189.0),
]
# Greenacres Farm's project (project status, manual 003): the farmhouse
# kitchen and the garage, rooms of one accepted proposal; (room, reference,
# name, quantity, price, image colour)
DEMO_PROJECT = [
    ("Kitchen", "K-RANGE", "Range cooker, 110 cm", 1, 4200.0, "#7a1f1f"),
    ("Kitchen", "K-SINK", "Belfast sink", 1, 540.0, "#e8e4d8"),
    ("Kitchen", "K-WORK", "Oak worktop, 3 m", 2, 380.0, "#b58a4c"),
    ("Garage", "G-DOOR", "Insulated roller door", 1, 2150.0, "#4a5a6a"),
    ("Garage", "G-BENCH", "Steel workbench", 2, 465.0, "#2f6f3e"),
    ("Garage", "G-WASH", "Hot pressure washer", 1, 1890.0, "#d9a400"),
]
DEMO_PROJECT_PENDING = [
    ("Utility room", "U-DRYER", "Boot dryer", 2, 145.0, "#3b4f8f"),
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
        started = time.monotonic()
        rng = random.Random(seed)
        company = self.env.company
        self._demo_currency(company)
        self._demo_language(company)
        if not company.chart_template:
            _logger.info("Demo dealer: loading the generic chart of accounts...")
            self.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        # Thousands of demo records need no chatter: no "created" notes nor
        # field tracking, as Odoo's chart templates load their own data.
        demo = self.with_context(tracking_disable=True)
        customers = demo._demo_customers(rng, customer_count, company)
        invoices = demo._demo_invoices(rng, customers, company)
        payments = demo._demo_payments(rng, invoices)
        demo._demo_orders(rng, customers, company)
        demo._demo_project(customers, company)
        demo._demo_equipment(customers, company)
        # the portal login and the invitations are what a person would do:
        # with their usual context, chatter included
        customers = customers.with_env(self.env)
        _logger.info("Demo dealer: portal login and pending invitations...")
        portal_user = self._demo_portal_contact(customers)
        self._demo_pending_invitations(customers[1:5])
        _logger.info("Demo dealer: a dispute and a web lead...")
        self._demo_dispute(portal_user, company)
        self._demo_web_lead(company)
        _logger.info(
            "Demo dealer ready in %.0fs: %d customers, %d invoices, %d payments.",
            time.monotonic() - started,
            len(customers),
            len(invoices),
            len(payments),
        )
        return customers

    @api.model
    def _demo_customer_names(self, rng, count):
        # the portal customer is first, and only once
        names, seen = [], {PORTAL_CUSTOMER}
        makers = [
            lambda: f"{rng.choice(FARM_WORDS)} {rng.choice(FARM_KINDS)}",
            lambda: f"{rng.choice(GOLF_PLACES)} Golf Club",
            lambda: f"{rng.choice(CONTRACTOR_NAMES)} {rng.choice(CONTRACTOR_KINDS)}",
            lambda: (
                f"Mr{rng.choice(['', 's'])} {rng.choice(FIRST_NAMES)[0]}. {rng.choice(LAST_NAMES)}"
            ),
        ]
        weights = [45, 15, 25, 15]
        while len(names) < count - 1:
            name = rng.choices(makers, weights)[0]()
            if name not in seen:
                seen.add(name)
                names.append(name)
        return [PORTAL_CUSTOMER, *names][:count]

    @api.model
    def _demo_customers(self, rng, count, company):
        _logger.info("Demo dealer: creating %d customers and their contacts...", count)
        Partner = self.env["res.partner"]
        uk = self.env.ref("base.uk")
        vals_list = []
        for index, name in enumerate(self._demo_customer_names(rng, count)):
            city, zip_code = rng.choice(CITIES)
            person = name.startswith(("Mr ", "Mrs "))
            domain = _slug(name.split(" ", 1)[-1] if person else name) + ".example"
            if "Farm" in name or "Estate" in name or "Dairy" in name:
                street = f"{rng.choice(STEADINGS)} {name.split(' ')[0]}"
            else:
                street = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
            address = {
                "street": street,
                "city": city,
                "zip": zip_code,
                "country_id": uk.id,
            }
            vals = {
                "name": name,
                "is_company": not person,
                "ref": str(10001 + index),
                "company_id": company.id,
                **address,
                "phone": f"+44 1467 {rng.randint(100000, 999999)}",
                "customer_rank": 1,
                "lang": DEMO_LANG,
            }
            if person:
                # one private customer in ten has no e-mail: cannot be invited
                vals["email"] = (
                    False if index % 10 == 3 else f"{_slug(name.split(' ')[-1])}{index}@{domain}"
                )
            else:
                vals["email"] = f"office@{domain}" if index % 7 else False
                # the billing contact at the customer's address (Odoo copies
                # the company's address only to contacts of type "contact")
                children = [
                    {
                        "name": "Accounts Payable",
                        "type": "invoice",
                        "email": f"accounts@{domain}" if index % 11 != 5 else False,
                        "company_id": company.id,
                        "phone": vals["phone"],
                        "lang": DEMO_LANG,
                        **address,
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
                            "mobile": f"+44 7700 {rng.randint(900000, 900999)}",
                            "lang": DEMO_LANG,
                            **address,
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
    def _demo_invoices(self, rng, customers, company, batch_size=100):
        """A year of invoices and credit notes for these customers, posted;
        returns the invoices (credit notes stay open)."""
        early, net30 = self._demo_payment_terms(company)
        today = fields.Date.context_today(self)
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        # What Odoo would choose for a line without a product (the journal's
        # income account), given so as to skip a query per line for it.
        line_defaults = {"account_id": journal.default_account_id.id, "tax_ids": []}
        vals_list = []
        for customer in customers:
            if customer == customers[:1]:  # the portal customer (_demo_customer_names)
                ages = [30 * month + rng.randint(0, 9) for month in range(12)]
            else:
                count = rng.choice(INVOICES_PER_CUSTOMER)
                ages = [int(rng.triangular(0, 365, 20)) for _n in range(count)]
            for age in ages:
                invoice_date = today - timedelta(days=age)
                move_type = "out_refund" if rng.random() < 0.07 else "out_invoice"
                lines = []
                for _line in range(rng.choice(LINES_PER_INVOICE)):
                    label, low, high = rng.choice(LINES)
                    lines.append(
                        fields.Command.create(
                            {
                                **line_defaults,
                                "name": label,
                                "quantity": rng.randint(1, 3),
                                "price_unit": round(rng.uniform(low, high), 2),
                            }
                        )
                    )
                vals_list.append(
                    {
                        "move_type": move_type,
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "invoice_date": invoice_date,
                        "invoice_payment_term_id": (early if rng.random() < 0.3 else net30).id
                        if move_type == "out_invoice"
                        else False,
                        "invoice_line_ids": lines,
                    }
                )
        # posted oldest first, a batch at a time: numbered in date order, as
        # when they were all posted at once
        order = sorted(range(len(vals_list)), key=lambda i: vals_list[i]["invoice_date"])
        Move = self.env["account.move"]
        drafts = [
            Move.new(
                {
                    "date": vals_list[i]["invoice_date"],
                    **{f: vals_list[i][f] for f in ("move_type", "journal_id", "company_id")},
                }
            )
            for i in order
        ]
        for i, name in zip(order, self._demo_numbers(drafts), strict=True):
            vals_list[i]["name"] = name
        move_ids = [0] * len(vals_list)
        for start in range(0, len(order), batch_size):
            indexes = order[start : start + batch_size]
            _logger.info(
                "Demo dealer: posting invoices and credit notes %d-%d of %d...",
                start + 1,
                start + len(indexes),
                len(order),
            )
            self._demo_analyze()
            batch = Move.create([vals_list[i] for i in indexes])
            batch.action_post()
            for index, move in zip(indexes, batch, strict=True):
                move_ids[index] = move.id
        # in the order they were drawn, which the payments' draw follows
        return Move.browse(move_ids).filtered(lambda m: m.move_type == "out_invoice")

    @api.model
    def _demo_payments(self, rng, invoices, batch_size=100):
        """Customers' payments of these invoices (drawn in their order): old
        invoices mostly settled, recent ones mostly open, some paid in part.

        Created, posted and matched with their invoices a batch at a time, as
        the Register Payment dialog does for one: the dialog per invoice took
        0.35 s a payment even with fresh statistics (380 payments)."""
        today = fields.Date.context_today(self)
        plan = []
        for invoice in invoices:
            age = (today - invoice.invoice_date).days
            roll = rng.random()
            if roll < min(0.85, age / 200):
                amount = invoice.amount_residual
            elif roll < min(0.95, age / 200 + 0.1):
                amount = round(invoice.amount_residual * rng.choice([0.25, 0.5, 0.6]), 2)
            else:
                continue
            pay_date = min(today, invoice.invoice_date + timedelta(days=rng.randint(5, 60)))
            plan.append((invoice, amount, pay_date))
        payments = self.env["account.payment"]
        if not plan:
            return payments
        # registered in date order: numbered in date order
        plan.sort(key=lambda step: step[2])
        company = invoices.company_id
        Journal = self.env["account.journal"]
        # the journal Odoo's Register Payment dialog proposes: the first bank
        journal = Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "bank")], limit=1
        )
        receivable = [("account_type", "=", "asset_receivable")]
        for start in range(0, len(plan), batch_size):
            batch = plan[start : start + batch_size]
            _logger.info(
                "Demo dealer: registering payments %d-%d of %d...",
                start + 1,
                start + len(batch),
                len(plan),
            )
            self._demo_analyze()
            new = payments.create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": invoice.commercial_partner_id.id,
                        "amount": amount,
                        "date": pay_date,
                        "journal_id": journal.id,
                        "company_id": company.id,
                        "memo": invoice.payment_reference or invoice.name,
                        # the link the dialog makes: the invoice's Payments button
                        "invoice_ids": [fields.Command.link(invoice.id)],
                    }
                    for invoice, amount, pay_date in batch
                ]
            )
            new.action_post()
            # as the dialog does, each payment with its own invoice only
            self.env["account.move.line"]._reconcile_plan(
                [
                    payment.move_id.line_ids.filtered_domain(receivable)
                    + invoice.line_ids.filtered_domain(receivable)
                    for payment, (invoice, _amount, _date) in zip(new, batch, strict=True)
                ]
            )
            payments |= new
        return payments

    @api.model
    def _demo_numbers(self, drafts):
        """The numbers posting these moves (oldest first) would give them.
        Odoo's numbering (sequence.mixin._set_next_sequence) looks up the
        last number and flushes at each move posted, and a draft made without
        a number looks it up too: in bulk, a third of the time. Here one
        look-up per journal, kind of move and period."""
        counters = {}
        names = []
        for move in drafts:
            # journal code, year, R(efund) or P(ayment) prefix
            starting = move._get_starting_sequence()
            key = (move.journal_id.id, starting)
            if key not in counters:
                previous = move._get_last_sequence()
                counters[key] = move._get_sequence_format_param(previous or starting)
            template, values = counters[key]
            values["seq"] += 1
            names.append(template.format(**values))
        return names

    @api.model
    def _demo_analyze(self):
        """Refresh PostgreSQL's statistics of the tables that grow by
        thousands of rows in this one transaction (ANALYZE counts its own new
        rows): planned for the empty tables of a new database, Odoo's payment
        state query took 0.9 s a call, and registering the 380 payments 48 s
        instead of 20 s."""
        self.env.flush_all()
        self.env.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile")

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
        # sudo: demo data, loaded by the installer's demo_dealer.xml (no caller to check)
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
    def _demo_image(self, colour, text):
        """A product picture for the demo: a tile of ``colour`` with the
        reference ``text`` on it (base64 PNG)."""
        image = Image.new("RGB", (256, 256), colour)
        draw = ImageDraw.Draw(image)
        draw.rectangle((24, 24, 231, 231), outline="white", width=6)
        draw.text((48, 118), text, fill="white")
        data = io.BytesIO()
        image.save(data, "PNG")
        return base64.b64encode(data.getvalue())

    @api.model
    def _demo_project(self, customers, company):
        """Greenacres Farm's project at its farmhouse (project status): an
        accepted proposal with a kitchen and a garage, products with
        pictures, a deposit invoiced and paid; a second proposal sent and
        awaiting acceptance."""
        farm = customers.filtered(lambda c: c.name == PORTAL_CUSTOMER)[:1]
        if not farm:
            return self.env["sale.order"]
        # demo data is the system's (see _demo_orders)
        farmhouse = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": "Greenacres Farmhouse",
                    "type": "delivery",
                    "parent_id": farm.id,
                    "street": farm.street,
                    "city": farm.city,
                    "zip": farm.zip,
                }
            )
        )
        # sudo: demo data, loaded by the installer's demo_dealer.xml (no caller to check)
        products = {
            ref: self.env["product.product"]
            .sudo()
            .create(
                {
                    "name": name,
                    "default_code": ref,
                    "type": "consu",
                    "list_price": price,
                    "taxes_id": [],
                    "image_1920": self._demo_image(colour, ref),
                }
            )
            for _room, ref, name, _qty, price, colour in DEMO_PROJECT + DEMO_PROJECT_PENDING
        }
        # sudo: demo data, loaded by the installer's demo_dealer.xml (no caller to check)
        SaleOrder = self.env["sale.order"].sudo()
        orders = SaleOrder
        for lines in (DEMO_PROJECT, DEMO_PROJECT_PENDING):
            order_lines, room = [], None
            for line_room, ref, _name, qty, price, _colour in lines:
                if line_room != room:
                    room = line_room
                    order_lines.append(
                        fields.Command.create({"display_type": "line_section", "name": room})
                    )
                order_lines.append(
                    fields.Command.create(
                        {
                            "product_id": products[ref].id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [],
                        }
                    )
                )
            orders |= SaleOrder.create(
                {
                    "partner_id": farm.id,
                    "partner_shipping_id": farmhouse.id,
                    "company_id": company.id,
                    "client_order_ref": "Farmhouse refit",
                    "order_line": order_lines,
                }
            )
        accepted, pending = orders
        accepted.action_confirm()
        pending.action_quotation_sent()
        # a 30 % deposit, invoiced and paid
        self.env["sale.advance.payment.inv"].sudo().with_context(
            active_model="sale.order", active_ids=accepted.ids
        ).create({"advance_payment_method": "percentage", "amount": 30}).create_invoices()
        deposit = accepted.invoice_ids
        deposit.action_post()
        # sudo: demo data, loaded by the installer's demo_dealer.xml (no caller to check)
        self.env["account.payment.register"].sudo().with_context(
            active_model="account.move", active_ids=deposit.ids
        ).create({})._create_payments()
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
    def _demo_language(self, company):
        """A British dealer: British English (dates as 23/11/2026 on pages,
        e-mails and PDFs) for the company and, through DEMO_LANG, for its
        customers and their contacts. Odoo holds it as any other language
        (Settings > Languages); each customer's own language decides its
        pages, e-mails and documents."""
        lang = self.env["res.lang"]._activate_lang(DEMO_LANG)
        company.partner_id.lang = lang.code
        # the dealer's default language (new contacts, and the portal's
        # URLs: Odoo prefixes them with a language other than the default)
        self.env["ir.default"].set("res.partner", "lang", lang.code)
        return lang

    @api.model
    def _demo_staff(self, admin_id, user_id):
        """The dealer's staff as a dealer sets them up: both in British
        English, with the Sales rights the Request Info form's web leads
        need (the administrator sees every lead, the user the unassigned
        ones and their own), and the daily status e-mail to the
        administrator. Called by demo/demo_dealer.xml with its two users'
        ids."""
        admin, user = self.env["res.users"].browse([admin_id, user_id])
        (admin | user).write({"lang": self._demo_language(admin.company_id).code})
        admin.groups_id = [
            fields.Command.link(self.env.ref("sales_team.group_sale_salesman_all_leads").id)
        ]
        user.groups_id = [fields.Command.link(self.env.ref("sales_team.group_sale_salesman").id)]
        admin.company_id.connect_daily_status_user_ids = [fields.Command.link(admin.id)]
        return admin | user

    @api.model
    def _demo_dispute(self, portal_user, company):
        """Greenacres Farm's contact disputes its latest open invoice, as it
        would from the portal (the dispute's own way in, with its e-mails
        and the dealer's notification)."""
        Move = self.env["account.move"]
        invoice = Move.search(
            [
                ("partner_id", "=", portal_user.partner_id.commercial_partner_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
            ],
            order="invoice_date desc, id desc",
            limit=1,
        )
        if not invoice:
            return self.env["customer_connect.dispute"]
        reason = self.env.ref("customer_connect.dispute_reason_price")
        return (
            self.env["customer_connect.dispute"]
            .with_user(portal_user)
            .with_company(company)
            ._connect_raise(
                invoice.id,
                reason.id,
                "The mower blades were quoted at 10% off on the phone; the invoice has the "
                "full price. Could you look at it, please?",
            )
        )

    @api.model
    def _demo_web_lead(self, company):
        """A farmer who is not a customer yet asks for a price through the
        Request Info form (its own way in, as a visitor)."""
        result = self.env["customer_connect.web.lead"]._submit(
            {
                "contact_name": "Hamish Duguid",
                "partner_name": "Braeside Farm",
                "email_from": "hamish@braeside-farm.example",
                "phone": "01464 820 456",
                "city": "Insch",
                "customer_number": "",
                "message": "We are looking at a compact tractor with a loader for the "
                "spring. Could someone call me with prices and what you have in stock?",
            },
            "192.0.2.10",  # a documentation address (RFC 5737): no one's
            company,
        )
        return result["lead"]

    @api.model
    def _demo_currency(self, company):
        """A Scottish dealer counts in pounds sterling: set before its chart
        of accounts and any entry exist (Odoo refuses it afterwards; with
        Odoo's own demo data loaded first, the company keeps its currency)."""
        gbp = self.env.ref("base.GBP")
        if company.currency_id == gbp:
            return
        if self.env["account.move.line"].search_count([("company_id", "=", company.id)], limit=1):
            _logger.info(
                "Demo dealer: entries exist already, the currency stays %s.",
                company.currency_id.name,
            )
            return
        gbp.active = True
        company.currency_id = gbp
        # Odoo made the default pricelist in the currency of the day: the
        # demo orders (and their invoices) are in pounds too
        pricelists = self.env["product.pricelist"].search(
            [("company_id", "in", [company.id, False]), ("currency_id", "!=", gbp.id)]
        )
        pricelists.currency_id = gbp

    @api.model
    def _demo_equipment(self, customers, company):
        """Greenacres Farm's machines: a tractor whose warranty ends in 20
        days (with its manual), a mower whose service is overdue and a baler
        due for service in 10 days."""
        farm = customers.filtered(lambda c: c.name == "Greenacres Farm")[:1]
        if not farm:
            return self.env["customer_connect.equipment"]
        today = fields.Date.context_today(self)
        common = {"partner_id": farm.id, "company_id": company.id}
        machines = self.env["customer_connect.equipment"].create(
            [
                {
                    **common,
                    "make": "John Deere",
                    "model_name": "6155R",
                    "serial_number": "1L06155RXKP912345",
                    "dms_key": "EQ-1",
                    "year": 2022,
                    "hours": 1200,
                    "hours_date": today - timedelta(days=30),
                    "purchase_date": today - timedelta(days=700),
                    "warranty_end": today + timedelta(days=20),
                    "next_service_date": today + timedelta(days=90),
                },
                {
                    **common,
                    "make": "Kubota",
                    "model_name": "GZD21",
                    "serial_number": "KBT-55501",
                    "dms_key": "EQ-2",
                    "year": 2019,
                    "hours": 310,
                    "next_service_date": today - timedelta(days=3),
                },
                {
                    **common,
                    "make": "Claas",
                    "model_name": "Rollant 455",
                    "serial_number": "CL-455-0042",
                    "dms_key": "EQ-3",
                    "year": 2020,
                    "hours": 890,
                    "next_service_date": today + timedelta(days=10),
                },
            ]
        )
        self.env["ir.attachment"].create(
            {
                "name": "Operator manual 6155R.pdf",
                "raw": b"%PDF-1.4 demo operator manual",
                "res_model": machines._name,
                "res_id": machines[0].id,
            }
        )
        return machines

    @api.model
    def _demo_portal_user(self):
        """The login of Greenacres Farm's billing contact (the areas' demo
        data act as it), or no user when the demo dealer is not loaded."""
        user = self.env["res.users"].search([("login", "=", PORTAL_LOGIN)], limit=1)
        if user.partner_id.commercial_partner_id.name != PORTAL_CUSTOMER:
            return self.env["res.users"]
        return user

    @api.model
    def _demo_portal_contact(self, customers):
        """The billing contact of Greenacres Farm already uses the portal."""
        farm = customers.filtered(lambda c: c.name == PORTAL_CUSTOMER)[:1]
        contact = farm.child_ids.filtered(lambda c: c.type == "invoice")[:1]
        contact.email = PORTAL_LOGIN
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
        # sudo: demo data, loaded by the installer's demo_dealer.xml (no caller to check)
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
