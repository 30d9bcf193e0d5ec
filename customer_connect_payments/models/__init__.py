from . import connect_access_level
from . import account_move
from . import account_payment
from . import connect_mail_log
from . import connect_payment_service
from . import payment_provider
from . import payment_transaction
from . import res_company
from . import res_partner
from . import connect_daily_status
from . import connect_activation_funnel

# autopay (issue 21)
from . import connect_autopay
from . import connect_autopay_inherits
