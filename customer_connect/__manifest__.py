{
    "name": "Customer Connect",
    "summary": "Customer portal for equipment dealers: customer accounts, "
    "invitations, access levels, e-mail history, dealership users",
    "version": "18.0.1.2.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Customer Connect",
    "maintainers": ["customer-connect"],
    "website": "https://example.com/customer-connect",
    "depends": [
        "account",
        "portal",
        "auth_signup",
        "mail",
        # the statements area's engine (OCA, 18.0 on PyPI): one query per
        # statement, aging buckets, letterhead
        "partner_statement",
        # the orders area (open orders, Odoo's /my/orders) and, later, the
        # project status read sale orders; sale_management (quotation
        # templates, optional products) is not needed for either
        "sale",
        # the web leads area (Request Info): the public form files a CRM
        # lead, which the dealer's staff work and convert in Odoo's CRM;
        # website_crm would bring the whole website app for one form
        "crm",
    ],
    "external_dependencies": {"python": ["qrcode", "num2words"]},
    "data": [
        "security/customer_connect_security.xml",
        "security/ir.model.access.csv",
        "security/portal_activity_security.xml",
        "security/portal_equipment_security.xml",
        "security/portal_orders_security.xml",
        "security/portal_project_status_security.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/equipment_data.xml",
        "data/equipment_mail_template_data.xml",
        "data/connect_daily_status_mail_template_data.xml",
        "data/web_lead_data.xml",
        "wizards/connect_invite_wizard_views.xml",
        "wizards/connect_staff_invite_wizard_views.xml",
        "views/connect_access_level_views.xml",
        "views/connect_mail_log_views.xml",
        "views/connect_portal_event_views.xml",
        "views/connect_invite_batch_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_lead_views.xml",
        "views/customer_connect_menus.xml",
        "views/connect_daily_status_views.xml",
        "views/connect_activation_funnel_views.xml",
        "views/connect_equipment_views.xml",
        "views/portal_activity_templates.xml",
        "views/portal_profile_templates.xml",
        "views/portal_statements_templates.xml",
        "views/portal_companies_templates.xml",
        "views/portal_branding_templates.xml",
        "views/portal_equipment_templates.xml",
        "views/portal_account_history_templates.xml",
        "views/portal_purchase_history_templates.xml",
        "views/portal_orders_templates.xml",
        "views/web_leads_templates.xml",
        "views/portal_project_status_templates.xml",
    ],
    "demo": ["demo/demo_dealer.xml"],
    "assets": {
        "web.assets_frontend": [
            "customer_connect/static/src/js/portal_print.js",
        ],
        "web.assets_tests": [
            "customer_connect/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": True,
}
