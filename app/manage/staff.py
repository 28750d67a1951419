"""Managing the hotel's staff: add (a new account or one from another hotel), change their role here,
deactivate or remove from this hotel; the last admin is never locked out."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.manage import bp
from app.manage.forms import RoleForm, StaffForm
from app.models import StaffRole
from app.services import staff_accounts
from app.web.forms import PlainForm
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff
from app.web.templating import ROLE_LABELS


def _role_choices(offered_only: bool = True) -> list[SelectChoice]:
    """The roles the signed-in person may grant (a manager is never offered Admin). Posted forms
    validate against every role, so a forged "admin" gets the service's reason, not "not a choice"."""
    roles = staff_accounts.grantable_roles(g.staff_role) if offered_only else list(StaffRole)
    return [SelectChoice(role.value, str(ROLE_LABELS[role.value])) for role in roles]


def _page(form: StaffForm | None = None, status: int = 200):
    form = form or StaffForm()
    form.role.choices = _role_choices()
    role_form = RoleForm()
    role_form.role.choices = _role_choices()
    return render_template(
        "manage/staff.html",
        people=staff_accounts.hotel_staff(g.hotel.id),
        form=form,
        role_form=role_form,
        plain_form=PlainForm(),
        may_change=lambda role: staff_accounts.may_change(g.staff_role, role),
    ), status


@bp.get("/staff")
@role_required(StaffRole.MANAGER)
def staff_list():
    return _page()


@bp.post("/staff")
@role_required(StaffRole.MANAGER)
def staff_add():
    form = StaffForm()
    form.role.choices = _role_choices(offered_only=False)
    if not form.validate_on_submit():
        return _page(form, 400)
    with attempt() as refused:
        user, created = staff_accounts.add_staff(
            g.staff_role,
            g.hotel,
            form.email.data,
            form.password.data or "",
            StaffRole(form.role.data),
            form.name.data or "",
        )
    if refused:
        return _page(form, refused.status)
    if created:
        flash(_("Account created for %(email)s.", email=user.email), "success")
    else:
        flash(_("%(email)s now works at this hotel too.", email=user.email), "success")
    return redirect(url_for("manage.staff_list"))


@bp.post("/staff/<int:staff_id>/role")
@role_required(StaffRole.MANAGER)
def staff_role(staff_id: int):
    form = RoleForm()
    form.role.choices = _role_choices(offered_only=False)
    if not form.validate_on_submit():
        abort(400)
    return _change(
        lambda: staff_accounts.change_role(g.staff_role, g.hotel.id, staff_id, StaffRole(form.role.data))
    )


@bp.post("/staff/<int:staff_id>/active")
@role_required(StaffRole.MANAGER)
def staff_active(staff_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    activate = request.form.get("active") == "1"
    return _change(
        lambda: staff_accounts.set_active(signed_in_staff(), g.staff_role, g.hotel.id, staff_id, activate)
    )


def _change(action):
    with attempt(missing_is_404=True) as refused:
        action()
    if not refused:
        flash(_("Saved. The change applies from their next sign-in."), "success")
    return redirect(url_for("manage.staff_list"))
