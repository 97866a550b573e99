from . import policy
from .models import Notification


def navigation(request):
    """What the top bar shows: the inbox's unread count and the links of the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "nav_reviews": policy.can_use_review_queue(user),
        "nav_scoring_check": policy.can_check_scoring(user),
    }
