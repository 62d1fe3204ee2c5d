"""What a user does in the browser, asserting what they see."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    PASSWORD,
    THREAD_TITLE,
    create_answer,
    create_question,
    create_user,
    question_id,
    sign_in,
    unique,
)

QUESTION_URL = re.compile(r"/domande/\d+(#.*)?$")


def _header(page: Page) -> Locator:
    return page.locator("header.it-header-wrapper")


def _flash(page: Page) -> Locator:
    return page.locator(".flashes")


def test_register_new_account(page: Page) -> None:
    name = unique("nuova")
    page.goto("/registrati")
    page.get_by_label("Nome utente", exact=True).fill(name)
    page.get_by_label("Nome e cognome").fill("Ilaria Nuova")
    page.get_by_label("Email di lavoro").fill(f"{name}@comune.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Ente", exact=True).fill("Comune di Borgo Nuovo (fittizio)")
    page.get_by_label("Tipo di ente").select_option(index=1)
    page.get_by_label("Regione").select_option(label="Toscana")
    page.get_by_role("button", name="Crea l'account").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(_flash(page)).to_contain_text("Benvenuta/o in Officina, Ilaria Nuova!")
    expect(_header(page).get_by_role("link", name=re.compile("Ilaria Nuova"))).to_be_visible()
    expect(_header(page).get_by_role("button", name="Esci")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Fai una domanda")).to_be_visible()


def test_login_and_logout(page: Page) -> None:
    sign_in(page, "giulia.ferraris")
    expect(_flash(page)).to_contain_text("Accesso effettuato.")
    expect(_header(page).get_by_role("link", name=re.compile("Giulia Ferraris"))).to_be_visible()

    _header(page).get_by_role("button", name="Esci").click()
    expect(_flash(page)).to_contain_text("Sei uscita/o da Officina.")
    expect(_header(page).get_by_role("link", name="Accedi")).to_be_visible()
    expect(_header(page).get_by_role("button", name="Esci")).to_have_count(0)


def test_ask_question_with_live_preview(page: Page) -> None:
    sign_in(page, "marco.esposito")
    page.goto("/domande/nuova")
    title = f"Come gestite le iscrizioni tardive al nido? ({unique('t')})"
    page.get_by_label("Titolo").fill(title)
    page.get_by_label("Tema", exact=True).select_option("servizi-educativi-0-6")
    body = page.get_by_label("Descrivi il problema")
    body.press_sequentially("Nel nostro Comune le domande arrivano **grassetto** anche a marzo.")

    preview = page.locator(".markdown-preview")
    expect(preview).to_be_visible()
    expect(preview.locator(".preview-body strong")).to_have_text("grassetto")
    expect(preview.locator(".preview-body")).not_to_contain_text("**")

    page.get_by_label("Etichette").fill("nido, iscrizioni")
    page.get_by_role("button", name="Pubblica la domanda").click()
    expect(page).to_have_url(QUESTION_URL)
    expect(_flash(page)).to_contain_text("Domanda pubblicata.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("#domanda .post-body strong")).to_have_text("grassetto")


def test_a_text_too_complex_is_explained_in_the_preview_and_kept_on_publish(
    page: Page, expect_refusal: Callable[[str, int], None]
) -> None:
    expect_refusal("/anteprima", 422)
    sign_in(page, "marco.esposito")
    page.goto("/domande/nuova")
    page.get_by_label("Titolo").fill(f"Una domanda con troppe parentesi ({unique('t')})")
    page.get_by_label("Tema", exact=True).select_option("servizi-educativi-0-6")
    hostile = "[" * 10000 + "*_" * 8000
    page.get_by_label("Descrivi il problema").fill(hostile)
    preview = page.locator(".markdown-preview .preview-body")
    expect(preview).to_contain_text("troppo complesso da formattare")
    page.get_by_role("button", name="Pubblica la domanda").click()
    expect(_flash(page)).to_contain_text("troppo complesso da formattare")
    expect(page.get_by_label("Descrivi il problema")).to_have_value(hostile)


def test_answer_comment_and_reply(page: Page, live: LiveServer) -> None:
    asker = create_user(live.app)
    qid = create_question(live.app, asker)
    helper = create_user(live.app, display_name="Bianca Risponde")
    sign_in(page, helper, PASSWORD)
    page.goto(f"/domande/{qid}")

    page.get_by_role("textbox", name="La tua risposta").fill(
        "Da noi funziona una graduatoria unica aggiornata ogni tre mesi."
    )
    page.get_by_role("button", name="Pubblica la risposta").click()
    expect(_flash(page)).to_contain_text("Risposta pubblicata.")
    answer = page.locator("article.answer", has_text="graduatoria unica aggiornata")
    expect(answer).to_have_count(1)

    answer.locator("summary", has_text="Commenta la risposta").click()
    answer.get_by_label("Aggiungi un commento").fill("Quanti posti liberate ogni volta?")
    answer.get_by_role("button", name="Pubblica commento").click()
    expect(_flash(page)).to_contain_text("Commento pubblicato.")
    comment = page.locator("li.comment", has_text="Quanti posti liberate")
    expect(comment).to_have_count(1)
    expect(page.locator("article.answer li.comment", has_text="Quanti posti")).to_have_count(1)

    comment.locator("summary", has_text="Rispondi").first.click()
    comment.get_by_label("Rispondi al commento").first.fill("Di solito tre o quattro posti.")
    comment.get_by_role("button", name="Pubblica commento").first.click()
    expect(_flash(page)).to_contain_text("Commento pubblicato.")

    parent = page.locator("li.comment", has_text="Quanti posti liberate").first
    reply = parent.locator(":scope > ul.comment-list > li.comment", has_text="tre o quattro")
    expect(reply).to_have_count(1)
    # both boxes in one go, in page coordinates: the page may still be scrolling to the anchor
    boxes = parent.evaluate("""(el) => {
        const box = (node) => { const r = node.getBoundingClientRect();
                                return {x: r.x + scrollX, y: r.y + scrollY}; };
        const reply = el.querySelector(':scope > ul.comment-list > li.comment > .comment-body');
        return {parent: box(el.querySelector(':scope > .comment-body')), reply: box(reply)};
    }""")
    parent_box, reply_box = boxes["parent"], boxes["reply"]
    assert reply_box["x"] >= parent_box["x"] + 16, "la risposta non è rientrata sotto il commento"
    assert reply_box["y"] > parent_box["y"]


def _vote_up(page: Page, answer_id: int) -> Locator:
    return page.locator(f"#risposta-{answer_id}").get_by_role(
        "button", name="Voto positivo alla risposta"
    )


def test_vote_with_javascript_without_reload(page: Page, live: LiveServer) -> None:
    asker = create_user(live.app)
    qid = create_question(live.app, asker)
    aid = create_answer(live.app, qid, asker)
    sign_in(page, create_user(live.app), PASSWORD)
    page.goto(f"/domande/{qid}")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.__nessunRicaricamento = 'ancora qui'")

    score = page.locator(f"#risposta-{aid} .vote-count")
    expect(score).to_have_text("0")
    expect(page.locator(f"#risposta-{aid} .vote-score")).to_contain_text("voti")
    for button in page.locator(f"#risposta-{aid} .vote-btn").all():
        box = button.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, box
    _vote_up(page, aid).click()
    expect(score).to_have_text("1")
    expect(_vote_up(page, aid)).to_have_attribute("aria-pressed", "true")
    expect(_vote_up(page, aid)).to_be_focused()  # the keyboard stays where it was
    expect(page.locator(f"#risposta-{aid} .vote-status")).to_have_text(
        "Voto positivo registrato")

    _vote_up(page, aid).click()  # the same arrow again withdraws the vote
    expect(score).to_have_text("0")
    expect(_vote_up(page, aid)).to_have_attribute("aria-pressed", "false")

    assert page.evaluate("window.__nessunRicaricamento") == "ancora qui"
    assert navigations == []
    assert not page.locator(".vote-error").count()


def test_vote_without_javascript(new_page: Callable[..., Page], live: LiveServer) -> None:
    asker = create_user(live.app)
    qid = create_question(live.app, asker)
    aid = create_answer(live.app, qid, asker)
    page = new_page(java_script_enabled=False)
    sign_in(page, create_user(live.app), PASSWORD)
    page.goto(f"/domande/{qid}")
    expect(page.locator(f"#risposta-{aid} .vote-count")).to_have_text("0")

    with page.expect_navigation():
        _vote_up(page, aid).click()
    expect(page).to_have_url(re.compile(rf"/domande/{qid}#risposta-{aid}$"))
    expect(_flash(page)).to_contain_text("Voto registrato.")
    expect(page.locator(f"#risposta-{aid} .vote-count")).to_have_text("1")
    expect(_vote_up(page, aid)).to_have_attribute("aria-pressed", "true")

    with page.expect_navigation():
        _vote_up(page, aid).click()
    expect(_flash(page)).to_contain_text("Voto annullato.")
    expect(page.locator(f"#risposta-{aid} .vote-count")).to_have_text("0")


def test_accept_answer_as_asker(page: Page, live: LiveServer) -> None:
    asker = create_user(live.app)
    qid = create_question(live.app, asker)
    first = create_answer(live.app, qid, create_user(live.app),
                          body="La prima risposta arrivata, non la migliore.")
    second = create_answer(live.app, qid, create_user(live.app),
                           body="La seconda risposta: quella che risolve il problema.")
    sign_in(page, asker, PASSWORD)
    page.goto(f"/domande/{qid}")
    ids = page.locator("article.answer").evaluate_all("els => els.map(e => e.id)")
    assert ids == [f"risposta-{first}", f"risposta-{second}"]

    page.locator(f"#risposta-{second}").get_by_role(
        "button", name="Accetta come soluzione"
    ).click()
    expect(_flash(page)).to_contain_text("Risposta accettata come soluzione.")
    accepted = page.locator(f"#risposta-{second}")
    expect(accepted).to_contain_text("Accettata dall'autore")
    expect(accepted).to_have_class(re.compile(r"\baccepted-answer\b"))
    expect(page.locator("article.answer").first).to_have_id(f"risposta-{second}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Risolta")


def test_switch_language_and_back(page: Page) -> None:
    page.goto("/domande")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    _header(page).get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/domande\??$"))
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Questions")).to_be_visible()
    expect(nav.get_by_role("link", name="Themes")).to_be_visible()
    expect(_header(page).get_by_role("link", name="Sign in")).to_be_visible()

    _header(page).get_by_role("button", name="Italiano").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    nav = page.get_by_role("navigation", name="Navigazione principale")
    expect(nav.get_by_role("link", name="Domande")).to_be_visible()
    expect(_header(page).get_by_role("link", name="Accedi")).to_be_visible()


# The focused element's ring: an outline or a box-shadow that is drawn in a colour that
# is not fully transparent (Bootstrap Italia keeps a transparent outline and draws a
# white and black box-shadow ring; a transparent outline alone would not be seen).
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const opaque = (css) => [...css.matchAll(/rgba?\\(([^)]*)\\)/g)].some((m) => {
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean);
    return parts.length < 4 || parseFloat(parts[3]) > 0;
  });
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
    && opaque(s.outlineColor);
  const shadow = s.boxShadow !== "none" && opaque(s.boxShadow);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className?.baseVal ?? el.className,
    text: (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    visible: outline || shadow, outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    shadow: s.boxShadow, onScreen: r.width > 0 && r.height > 0,
    inHeader: el.closest("header") !== null,
  };
}"""


def test_keyboard_only_question_page(page: Page, live: LiveServer) -> None:
    sign_in(page, "marco.esposito")
    qid = question_id(live.app, THREAD_TITLE)
    page.goto(f"/domande/{qid}")

    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STYLE)
    assert first["text"] == "Vai al contenuto principale", first
    assert first["onScreen"] and first["visible"], first

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenuto$"))
    assert page.evaluate("document.activeElement.id") == "contenuto"

    reached_vote = reached_textarea = False
    seen: list[dict] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        seen.append(focus)
        assert focus["onScreen"], f"elemento a fuoco invisibile: {focus}"
        assert focus["visible"], f"nessun indicatore di fuoco visibile: {focus}"
        reached_vote = reached_vote or "vote-btn" in focus["cls"]
        if focus["tag"] == "textarea" and focus["id"] == "body":
            reached_textarea = True
            break
    assert reached_vote, [f"{f['tag']}#{f['id']} {f['text']}" for f in seen]
    assert reached_textarea, [f"{f['tag']}#{f['id']} {f['text']}" for f in seen]
    assert not any(f["inHeader"] for f in seen), "il salto non ha scavalcato l'intestazione"
