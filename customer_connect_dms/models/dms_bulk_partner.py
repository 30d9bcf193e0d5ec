"""The bulk path's res.partner: its stored computed fields filled in the
rows, as Odoo computes them for the shapes an import writes (customers and
contacts); the column test (tests/test_dms_bulk_path.py) compares them."""

from odoo import models

from .dms_bulk import normalize_email, read_plain


class DmsBulkPartner(models.AbstractModel):
    _inherit = "customer_connect_dms.bulk"

    def _bulk_computed_res_partner(self, Partner, rows, ids):
        """Fill in ``rows`` the stored computed fields of new partners, as
        Odoo's compute methods would (base, mail, phone_validation,
        account_edi_ubl_cii, customer_connect); return (names filled,
        [(model, field)] of other records the new ones do not change).
        Fields not filled here are left to Odoo's computes."""
        fields_ = Partner._fields
        parent_ids = {row["parent_id"] for row in rows if row.get("parent_id")}
        if parent_ids & set(ids):
            return (), (), ()  # a parent in the same batch: left to Odoo
        Partner = Partner.with_context(active_test=False)
        parents = read_plain(
            Partner.browse(parent_ids), ["commercial_partner_id", "name", "user_id"]
        )
        commercials = read_plain(
            Partner.browse({p["commercial_partner_id"] for p in parents.values()}),
            ["name", "is_company"],
        )
        displayed_types = Partner._complete_name_displayed_types
        # as _compute_complete_name reads them: with_context({}), no language
        type_names = dict(fields_["type"]._description_selection(self.env(context={})))
        filled = [
            "commercial_partner_id",
            "commercial_company_name",
            "complete_name",
            "email_normalized",
            "partner_share",
            "user_id",
            "company_registry",
        ]
        phone_fields = []
        if "phone_sanitized" in fields_:
            filled.append("phone_sanitized")
            phone_fields = Partner.browse()._phone_get_number_fields()
        cache = {}
        for record_id, row in zip(ids, rows, strict=True):
            parent = parents.get(row.get("parent_id"))
            is_company = row.get("is_company")
            if is_company or not parent:
                commercial_id = record_id
                commercial_name, commercial_is_company = row.get("name"), is_company
            else:
                commercial_id = parent["commercial_partner_id"]
                commercial = commercials[commercial_id]
                commercial_name, commercial_is_company = (
                    commercial["name"],
                    commercial["is_company"],
                )
            row["commercial_partner_id"] = commercial_id
            company_name = (commercial_is_company and commercial_name) or row.get("company_name")
            row["commercial_company_name"] = company_name or None
            # res.partner._get_complete_name
            name = row.get("name") or ""
            if row.get("company_name") or parent:
                if not name and row.get("type") in displayed_types:
                    name = type_names[row["type"]]
                if not is_company:
                    name = f"{company_name or parent['name']}, {name}"
            row["complete_name"] = name.strip()
            row["email_normalized"] = normalize_email(row.get("email"), strict=False) or None
            row["partner_share"] = True  # no user yet
            if "user_id" not in row:
                # _compute_user_id: a person takes its parent's salesperson
                inherited = parent and not is_company and parent["user_id"]
                row["user_id"] = inherited or None
            row.setdefault("company_registry", None)
            if phone_fields:
                row["phone_sanitized"] = self._bulk_phone(Partner, row, phone_fields, cache)
        unchanged = []
        if "peppol_eas" in fields_ and not any(
            "peppol_eas" in r or "peppol_endpoint" in r for r in rows
        ):
            self._bulk_peppol(Partner, rows)
            filled += ["peppol_eas", "peppol_endpoint"]
        connect = (
            "connect_state",
            "connect_login_email",
            "connect_account_last_invited",
            "connect_account_last_login",
        )
        if "connect_state" in fields_ and all(
            row.get("connect_login_state") in (None, False, "not_invited")
            and not row.get("connect_last_invited")
            and not row.get("connect_last_login")
            for row in rows
        ):
            # customer_connect's _compute_connect_account: a partner without
            # logins is "not invited"; and new contacts without a login are
            # not among the logins their customer's state is made of
            for row in rows:
                row.update(dict.fromkeys(connect, None), connect_state="not_invited")
            filled += connect
            unchanged += [("res.partner", name) for name in connect]
        if "connect_account_email_failing" in fields_ and not any(
            row.get("connect_email_failing") for row in rows
        ):
            # customer_connect's _compute_connect_account_email_failing: a new
            # partner has no failing address and no contacts yet; and a new
            # contact that is not failing leaves its customer's flag as it is.
            # Odoo computing it cost 5 s and an UPDATE of every new row (all
            # of res_partner's 34 indexes, the trigram ones included) and of
            # every customer: 9 s for 10,000 customers and 30,000 contacts
            for row in rows:
                row["connect_account_email_failing"] = False
            filled.append("connect_account_email_failing")
            unchanged.append(("res.partner", "connect_account_email_failing"))
        return filled, unchanged, ()

    def _bulk_phone(self, Partner, row, phone_fields, cache):
        """phone_sanitized (phone_validation): the first number that formats,
        in the record's country or else the company's, as _phone_format does."""
        for fname in phone_fields:
            number = row.get(fname)
            if not number:
                continue
            key = (number, row.get("country_id"))
            if key not in cache:
                country = self.env["res.country"].browse(row.get("country_id") or [])
                cache[key] = Partner.browse()._phone_format(number=number, country=country)
            if cache[key]:
                return cache[key]
        return None

    def _bulk_peppol(self, Partner, rows):
        """peppol_eas and peppol_endpoint (account_edi_ubl_cii): computed by
        Odoo on a new record per distinct set of what they depend on."""
        depends = [
            "country_id" if name == "country_code" else name
            for name in Partner._peppol_eas_endpoint_depends()
        ]
        if any(name not in Partner._fields or "." in name for name in depends):
            raise ValueError("bulk path: peppol dependencies")
        results = {}
        for row in rows:
            key = tuple(row.get(name) or False for name in depends)
            if key not in results:
                new = Partner.new(dict(zip(depends, key, strict=True)))
                results[key] = (new.peppol_eas or None, new.peppol_endpoint or None)
            row["peppol_eas"], row["peppol_endpoint"] = results[key]
