"""Demo accounts for `make run`. Created by a command, never by a migration,
so a production database has none."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from targets.models import TableStatus, TargetTable
from targets.workflow import table_open
from units import policy
from units.models import Membership, Role, Unit

from .models import Project

DEMO_PASSWORD = "demo-pass-2022"
BUREAU = "湖北省知识产权局"
GUANGDONG_BUREAU = "广东省市场监督管理局（知识产权局）"  # governs seed 004's projects
REVIEWED_PROJECT = "hubei-2022-patent-transfer"

# username, display name, unit, role
DEMO_ACCOUNTS = [
    ("admin", "省局管理员", BUREAU, Role.ADMIN),
    ("reviewer", "省局审核员", BUREAU, Role.REVIEWER),
    ("wuhan", "武汉市填报员", "武汉市", Role.FILLER),
    ("yichang", "宜昌市填报员", "宜昌市", Role.FILLER),
    ("wtu", "武汉轻工大学填报员", "武汉轻工大学", Role.FILLER),
    ("platform", "知识产权发展中心填报员", "湖北省知识产权发展中心", Role.FILLER),
    ("observer", "观察员", BUREAU, Role.OBSERVER),
    # Organisations: the second province's admin (its own projects only) and a city department's filler.
    ("gdadmin", "广东省局管理员", GUANGDONG_BUREAU, Role.ADMIN),
    ("guangzhou", "广州市市场监管局填报员", "广州市市场监管局", Role.FILLER),
]
# Superusers (every province, and Django's admin site): the first admin only.
SUPERUSERS = {"admin"}


@transaction.atomic
def demo_accounts_load() -> list[tuple[str, str]]:
    User = get_user_model()
    units = {u.name: u for u in Unit.objects.filter(name__in={a[2] for a in DEMO_ACCOUNTS})}
    missing = {a[2] for a in DEMO_ACCOUNTS} - set(units)
    if missing:
        raise LookupError(f"缺少单位 {'、'.join(sorted(missing))}：请先运行 python manage.py load_seeds")
    project = Project.objects.filter(code=REVIEWED_PROJECT).first()
    if project is None:
        raise LookupError(f"缺少项目 {REVIEWED_PROJECT}：请先运行 python manage.py load_seeds")

    result = []
    for username, display, unit_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": display})
        if created:
            user.set_password(DEMO_PASSWORD)
        # Only the superuser may use Django's admin site; a bureau's admin works in the app's pages.
        user.is_staff = user.is_superuser = username in SUPERUSERS
        user.save()
        Membership.objects.update_or_create(user=user, unit=units[unit_name], defaults={"role": role})
        if role == Role.REVIEWER:
            policy.grant_review(user, project)
        result.append((username, f"{Role(role).label}（{unit_name}）"))

    # So that the demo fillers have something to do: the Hubei tables are open for a month.
    admin = User.objects.get(username="admin")
    deadline = (timezone.localtime() + timedelta(days=30)).replace(hour=17, minute=30, second=0, microsecond=0)
    for table in TargetTable.objects.filter(project=project, status=TableStatus.DRAFT):
        table_open(table_id=table.pk, actor=admin, deadline=deadline)
    return result
