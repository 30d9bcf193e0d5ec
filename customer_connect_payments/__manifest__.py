{
    "name": "Customer Connect Payments",
    "summary": "Customers pay invoices, or an amount on account, by card or ACH "
    "from the Customer Connect portal",
    "version": "18.0.1.2.0",
    "category": "Accounting/Payment",
    "license": "LGPL-3",
    "author": "Customer Connect",
    "maintainers": ["customer-connect"],
    "website": "https://example.com/customer-connect",
    "depends": ["customer_connect", "account_payment"],
    "data": [
        "security/portal_payments_security.xml",
        # autopay (issue 21)
        "security/ir.model.access.csv",
        "security/autopay_security.xml",
        "views/connect_access_level_views.xml",
        "views/payment_views.xml",
        "views/portal_payments_templates.xml",
        "views/mail_layout_templates.xml",
        "data/mail_template_data.xml",
        # autopay (issue 21)
        "views/autopay_views.xml",
        "views/autopay_templates.xml",
        "data/autopay_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_connect_payments/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
