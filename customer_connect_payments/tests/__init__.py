from . import test_payment_access
from . import test_portal_payments
from . import test_payment_tours
from . import test_portal_payments_isolation
from . import test_payment_links_in_emails
from . import test_daily_status_payments
from . import test_payment_disputes
from . import test_payment_receipt_pdf
