{
    "name": "Customer Connect DMS link",
    "summary": "Customer numbers and imports from the dealer management system",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Customer Connect",
    "maintainers": ["customer-connect"],
    "website": "https://example.com/customer-connect",
    "depends": ["customer_connect"],
    "data": [
        "security/customer_connect_dms_security.xml",
        "views/res_partner_views.xml",
    ],
    "installable": True,
}
