"""Question list, ask, question page, edit."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.auth.forms import as_choices
from forum.errors import DomainError
from forum.groups import queries as group_queries
from forum.limits import write_limit
from forum.models import PostType
from forum.moderation.suggestions import edit_or_suggest
from forum.notifications import follows
from forum.permissions import EditMode
from forum.post_attachments import queries as attachment_queries
from forum.post_attachments.services import parse_ids
from forum.questions import queries, services
from forum.questions.forms import AnswerForm, CommentForm, QuestionForm
from forum.render_cache.pages import render_shared
from forum.render_cache.versions import GUIDELINES, PRACTICES, QUESTIONS, thread
from forum.search import service as search_service
from forum.views import form_error, page_arg, personal_data_confirmed

bp = Blueprint("questions", __name__)


def _filters_from_args() -> queries.ListFilters:
    state = request.args.get("stato") or None
    sort = request.args.get("ordina") or "attive"
    if state is not None and state not in queries.STATES:
        abort(400, description=_("Filtro di stato non valido."))
    if sort not in queries.SORTS:
        abort(400, description=_("Ordinamento non valido."))
    return queries.ListFilters(
        theme=request.args.get("tema") or None,
        tag=(request.args.get("tag") or "").strip().lower()[:30] or None,
        state=state,
        sort=sort,
    )


@bp.route("/domande")
def index():
    """All questions, filtered and sorted, paginated."""
    filters = _filters_from_args()
    page = page_arg()

    def context() -> dict:
        themes = queries.all_themes()
        if filters.theme and filters.theme not in {t.slug for t in themes}:
            abort(404, description=_("Tema non trovato."))
        pagination = queries.list_questions(filters, page,
                                            current_app.config["QUESTIONS_PER_PAGE"],
                                            current_user)
        if page > 1 and page > pagination.pages:
            abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
        tag = follows.tag_target(filters.tag) if filters.tag else None
        return {"pagination": pagination, "filters": filters, "themes": themes, "tag": tag}

    return render_shared("questions/index.html", page="questions", scopes=(QUESTIONS,),
                         context=context)


def _theme_choices() -> list:
    return as_choices([("", _("Seleziona un tema…")),
                       *((t.slug, _(t.name)) for t in queries.all_themes())])


@bp.route("/domande/nuova", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def ask():
    """Ask a question; on any error the form comes back with the text kept."""
    form = QuestionForm()
    form.theme.choices = _theme_choices()
    group = None
    if request.args.get("tavolo"):
        group = group_queries.group_by_slug(current_user, request.args["tavolo"][:140])
        if not permissions.can_post_in_group(current_user, group):
            abort(403, description=_("Solo i membri del tavolo possono aprire discussioni."))
    if request.method == "GET" and request.args.get("tema"):
        form.theme.data = request.args["tema"]
    status = 200
    suggestions = None
    if request.method == "POST" and request.form.get("simili"):
        text = f"{request.form.get('title', '')}\n{request.form.get('body', '')}"
        suggestions = {
            "questions": search_service.related_for_text(text, viewer=current_user,
                                                         kind="question", limit=5),
            "practices": search_service.related_for_text(text, viewer=current_user,
                                                         kind="practice", limit=5),
        }
    elif form.validate_on_submit():
        try:
            question = services.ask_question(
                current_user,
                title=form.title.data,
                body=form.body.data,
                theme_slug=form.theme.data,
                tags=form.tags.data or "",
                group_id=group.id if group is not None else None,
                confirmed_personal_data=personal_data_confirmed(),
                uploads=request.files.getlist("files"),
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Domanda pubblicata."), "success")
            return redirect(url_for("questions.detail", question_id=question.id), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("questions/ask.html", form=form, editing=None,
                           suggestions=suggestions, group=group), status


def render_question(
    question_id: int,
    *,
    status: int = 200,
    answer_form: AnswerForm | None = None,
    comment_form: CommentForm | None = None,
):
    """The question page, rendered once per thread version and viewer class (see
    forum/render_cache); views re-render it with a status and the user's text on errors,
    for this request only."""
    sort = request.args.get("ordina", "voti")

    def context() -> dict:
        page = queries.question_page(question_id, current_user, sort, with_votes=False)
        accepted = next((a.body for a in page.answers
                         if a.id == page.question.accepted_answer_id), "")
        return {
            "page": page,
            "related": search_service.related_to_question(page.question, accepted, page.pinned,
                                                          current_user),
            "post_attachments": attachment_queries.for_posts(
                question_id, [a.id for a in page.answers]),
            "answer_form": answer_form or AnswerForm(formdata=None),
            "failed_comment": comment_form,
            "answer_sorts": [("voti", _("Più votate")), ("recenti", _("Più recenti")),
                             ("meno-recenti", _("Meno recenti"))],
        }

    html = render_shared(
        "questions/detail.html", page=f"question:{question_id}",
        scopes=(thread(question_id), PRACTICES, GUIDELINES),
        participants=lambda: queries.participants(question_id), context=context,
        share=status == 200 and answer_form is None and comment_form is None)
    return html, status


@bp.route("/domande/<int:question_id>")
@bp.route("/domande/<int:question_id>/<slug>")
def detail(question_id: int, slug: str | None = None):
    """The question page (the slug is decoration and ignored)."""
    return render_question(question_id)


@bp.route("/domande/<int:question_id>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(question_id: int):
    """Edit a question (author or moderator); the old text is kept as a revision."""
    question = queries.question_for_edit(question_id, current_user)
    mode = permissions.edit_mode(current_user, question, question)
    if mode is None:
        abort(403, description=_("Solo l'autore o la moderazione possono modificare la domanda."))
    form = QuestionForm()
    form.theme.choices = _theme_choices()
    if request.method == "GET":
        form.title.data = question.title
        form.body.data = question.body
        form.theme.data = question.theme.slug
        form.tags.data = ", ".join(t.name for t in question.tags)
    status = 200
    if form.validate_on_submit():
        try:
            mode = edit_or_suggest(
                current_user, PostType.QUESTION, question_id, title=form.title.data,
                body=form.body.data, theme_slug=form.theme.data, tags=form.tags.data or "",
                summary=request.form.get("summary", ""),
                confirmed_personal_data=personal_data_confirmed(),
                uploads=request.files.getlist("files"),
                remove_attachments=parse_ids(request.form.getlist("rimuovi_allegato")))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Proposta inviata alla moderazione: riceverai una notifica con l'esito.")
                  if mode == EditMode.SUGGEST else _("Domanda aggiornata."), "success")
            return redirect(url_for("questions.detail", question_id=question_id), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("questions/ask.html", form=form, editing=question,
                           suggesting=mode == EditMode.SUGGEST,
                           current_files=attachment_queries.listed_on(question_id=question_id)
                           ), status
