from . import policy
from .models import Notification, Role


def navigation(request):
    """What the top bar shows: the inbox's unread count and the links of the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {}
    roles = policy.bureau_roles(user)
    return {
        "nav_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "nav_reviews": bool(roles & {Role.ADMIN, Role.REVIEWER}),
    }
