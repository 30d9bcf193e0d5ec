{
    "name": "Customer Connect DMS link",
    "summary": "Customer numbers and imports from the dealer management system",
    "version": "18.0.1.3.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Customer Connect",
    "maintainers": ["customer-connect"],
    "website": "https://example.com/customer-connect",
    "depends": ["customer_connect", "portal"],
    "external_dependencies": {"python": ["openpyxl", "xlrd"]},
    "data": [
        "security/customer_connect_dms_security.xml",
        "security/ir.model.access.csv",
        "security/dms_import_security.xml",
        "data/dms_import_profiles.xml",
        "data/dms_cron.xml",
        "views/res_partner_views.xml",
        "views/dms_import_views.xml",
        "views/portal_profile_templates.xml",
        "views/dms_customer_search_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_connect_dms/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
