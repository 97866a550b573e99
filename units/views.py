from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from .models import Notification


@login_required
@require_safe
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)[:200]
    return render(request, "units/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def notification_read(request, pk):
    # Only the recipient's own notifications exist for them: anyone else's is a 404.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(notification.link or "units:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("units:inbox")
