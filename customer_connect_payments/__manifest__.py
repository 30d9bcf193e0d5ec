{
    "name": "Customer Connect Payments",
    "summary": "Customers pay invoices, or an amount on account, by card or ACH "
    "from the Customer Connect portal",
    "version": "18.0.1.3.0",
    "category": "Accounting/Payment",
    "license": "LGPL-3",
    "author": "Customer Connect",
    "maintainers": ["customer-connect"],
    "website": "https://example.com/customer-connect",
    "depends": ["customer_connect", "account_payment"],
    "data": [
        "security/portal_payments_security.xml",
        "security/ir.model.access.csv",
        "security/portal_remittances_security.xml",
        "data/portal_remittances_data.xml",
        "views/portal_remittances_views.xml",
        "views/portal_remittances_templates.xml",
        # autopay (issue 21)
        "security/autopay_security.xml",
        "views/connect_access_level_views.xml",
        "views/payment_views.xml",
        "views/portal_payments_templates.xml",
        "views/mail_layout_templates.xml",
        "data/mail_template_data.xml",
        # payment reminders
        "security/payment_reminder_security.xml",
        "data/payment_reminder_data.xml",
        "views/payment_reminder_views.xml",
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
