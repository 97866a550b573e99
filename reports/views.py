from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from targets.models import RowStatus
from targets.selectors import rows_for_filler
from units import policy

from .selectors import project_overview


@login_required
def home(request):
    return render(
        request,
        "reports/home.html",
        {
            "projects": project_overview(request.user),
            "statuses": list(RowStatus),
            "roles": policy.bureau_roles(request.user),
            "my_rows": rows_for_filler(request.user) if policy.filler_unit_ids(request.user) else [],
            "staff": policy.is_bureau_staff(request.user),
            "can_manage": policy.is_admin(request.user),
        },
    )
