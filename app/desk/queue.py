"""The request queue: a live list ordered by SLA, and each request's page with its history."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app import clock
from app.desk import bp
from app.desk.forms import AssignForm, GuestMessageForm, NoteForm, QueueFilterForm, StatusForm
from app.extensions import db
from app.models import GuestRequest, OrderLine, RequestKind, RequestStatus, StaffRole, StaffUser
from app.services import approvals, guest_data, guest_requests, live, staff_accounts
from app.web import labels
from app.web.forms import PlainForm
from app.web.live import etag_value, live_fragment
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff

RECEPTIONIST = StaffRole.RECEPTIONIST


def _colleagues() -> list[StaffUser]:
    return [member.user for member in staff_accounts.hotel_staff(g.hotel.id) if member.user.active]


def _filters_form() -> tuple[QueueFilterForm, guest_requests.QueueFilters]:
    form = QueueFilterForm(request.args)
    form.kind.choices = [SelectChoice("", _("All kinds"))] + [
        SelectChoice(kind.value, str(label)) for kind, label in labels.REQUEST_KIND_LABELS.items()
    ]
    form.status.choices = [SelectChoice("", _("All open"))] + [
        SelectChoice(status.value, str(label)) for status, label in labels.REQUEST_STATUS_LABELS.items()
    ]
    form.assignee.choices = [SelectChoice("", _("Anyone"))] + [
        SelectChoice(str(person.id), person.name or person.email) for person in _colleagues()
    ]
    form.validate()
    kinds = {kind.value: kind for kind in RequestKind}
    statuses = {status.value: status for status in RequestStatus}
    assignee = form.assignee.data if (form.assignee.data or "").isdigit() else None
    filters = guest_requests.QueueFilters(
        kind=kinds.get(form.kind.data or ""),
        status=statuses.get(form.status.data or ""),
        assignee_id=int(assignee) if assignee else None,
        room=(form.room.data or "")[:12],
    )
    return form, filters


FILTER_ARGS = ("kind", "status", "assignee", "room")


def _filter_args() -> dict[str, str]:
    """The queue's filters as they came, so a row's action returns to the same view."""
    return {name: request.args[name][:40] for name in FILTER_ARGS if request.args.get(name)}


def _queue_html(filters: guest_requests.QueueFilters) -> str:
    now = clock.now()
    queue = guest_requests.queue_for_desk(g.hotel.id, filters, now)
    summary = guest_requests.queue_summary(g.hotel.id, now)
    names = {person.id: person.name or person.email for person in _colleagues()}
    return render_template(
        "desk/_queue.html",
        queue=queue,
        now=now,
        names=names,
        feedback=guest_requests.feedback_of(queue),
        quick_moves=guest_requests.quick_moves,
        filter_args=_filter_args(),
        open_count=summary.open,
        overdue_count=summary.overdue,
        newest_id=summary.newest_id,
    )


@bp.get("/queue")
@role_required(RECEPTIONIST)
def queue():
    form, filters = _filters_form()
    now = clock.now()
    version = live.desk_version(g.hotel.id, now)
    return render_template(
        "desk/queue.html",
        form=form,
        queue_html=_queue_html(filters),
        open_count=guest_requests.queue_summary(g.hotel.id, now).open,
        live_url=url_for("desk.queue_live", **request.args),
        etag=etag_value(version),
    )


@bp.get("/queue/live")
@role_required(RECEPTIONIST)
def queue_live():
    _form, filters = _filters_form()
    return live_fragment(live.desk_version(g.hotel.id, clock.now()), lambda: _queue_html(filters))


@bp.get("/requests/<int:request_id>")
@role_required(RECEPTIONIST)
def request_page(request_id: int):
    found = guest_requests.hotel_request(g.hotel.id, request_id)
    assign_form = AssignForm(assignee=str(found.assignee_id or ""))
    assign_form.assignee.choices = [SelectChoice("", _("Nobody"))] + [
        SelectChoice(str(person.id), person.name or person.email) for person in _colleagues()
    ]
    names = {person.id: person.name or person.email for person in _colleagues()}
    line = db.session.get(OrderLine, found.order_line_id) if found.order_line_id else None
    return render_template(
        "desk/request.html",
        req=found,
        line=line,
        places_left=approvals.places_left(line) if line is not None else None,
        order_reference=line.order.reference if line is not None else None,
        moves=guest_requests.status_moves(found),
        status_form=StatusForm(),
        assign_form=assign_form,
        note_form=NoteForm(),
        message_form=GuestMessageForm(text=found.guest_message),
        names=names,
        now=clock.now(),
    )


def _act(request_id: int, action) -> object:
    """Run one change on a request (an operation: it commits) and go back where it was made: the
    request's page, or the queue (same filters) with the row in view."""
    found = guest_requests.hotel_request(g.hotel.id, request_id)
    with attempt():
        action(found)
    if request.args.get("back") == "queue":
        return redirect(url_for("desk.queue", **_filter_args(), _anchor=f"request-{request_id}"))
    return redirect(url_for("desk.request_page", request_id=request_id))


@bp.post("/requests/<int:request_id>/status")
@role_required(RECEPTIONIST)
def request_status(request_id: int):
    form = StatusForm()
    statuses = {status.value: status for status in RequestStatus}
    if not form.validate_on_submit() or form.to.data not in statuses:
        abort(400)
    return _act(
        request_id,
        lambda found: guest_requests.change_status(found, statuses[form.to.data], signed_in_staff()),
    )


@bp.post("/requests/<int:request_id>/assign")
@role_required(RECEPTIONIST)
def request_assign(request_id: int):
    form = AssignForm()
    form.assignee.choices = [SelectChoice("")] + [SelectChoice(str(p.id)) for p in _colleagues()]
    if not form.validate_on_submit():
        abort(400)
    assignee = (
        db.session.get(StaffUser, int(form.assignee.data)) if (form.assignee.data or "").isdigit() else None
    )
    return _act(request_id, lambda found: guest_requests.assign(found, assignee, signed_in_staff()))


@bp.post("/requests/<int:request_id>/note")
@role_required(RECEPTIONIST)
def request_note(request_id: int):
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("Please write the note first."), "error")
        return redirect(url_for("desk.request_page", request_id=request_id))
    return _act(request_id, lambda found: guest_requests.add_note(found, form.text.data, signed_in_staff()))


@bp.post("/requests/<int:request_id>/message")
@role_required(RECEPTIONIST)
def request_message(request_id: int):
    form = GuestMessageForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        request_id, lambda found: guest_requests.tell_guest(found, form.text.data or "", signed_in_staff())
    )


@bp.post("/requests/<int:request_id>/approve")
@role_required(RECEPTIONIST)
def request_approve(request_id: int):
    return _answer(
        request_id, approvals.approve, _("Approved: the booking is confirmed and charged to the room.")
    )


@bp.post("/requests/<int:request_id>/decline")
@role_required(RECEPTIONIST)
def request_decline(request_id: int):
    return _answer(
        request_id, approvals.decline, _("Declined: the places are free again and nothing was charged.")
    )


def _answer(request_id: int, decide, done_message: str):
    form = GuestMessageForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt(missing_is_404=True) as refused:  # another hotel's request: not found, as on its page
        decide(g.hotel.id, request_id, signed_in_staff(), form.text.data or "")
    if not refused:
        flash(done_message, "success")
    return redirect(url_for("desk.request_page", request_id=request_id))


def request_title(found: GuestRequest) -> str:
    return labels.describe_request(found)


@bp.route("/requests/<int:request_id>/erase", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def request_erase(request_id: int):
    """A guest's erasure request, carried out in one step after a page that says what it does."""
    found = guest_requests.hotel_request(g.hotel.id, request_id)
    if found.kind is not RequestKind.ERASURE:
        abort(404)
    form = PlainForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        with attempt() as refused:
            guest_data.carry_out_erasure(g.hotel.id, request_id, signed_in_staff())
        if not refused:
            flash(_("Done: the guest's personal data is erased and the request is closed."), "success")
            return redirect(url_for("desk.request_page", request_id=request_id))
    return render_template("desk/erase.html", req=found, form=form)
