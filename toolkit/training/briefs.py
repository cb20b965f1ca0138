"""Printable role-play briefs (Markdown or HTML), one page per role, plus the observer grid."""

from __future__ import annotations

import html

from toolkit.i18n import t
from toolkit.training.model import RolePlay

__all__ = ["briefs_html", "briefs_markdown"]


def briefs_markdown(exercise: RolePlay, *, lang: str | None = None) -> str:
    """All briefs as Markdown, one section per role; the observer's section has the grid.

    Examples
    --------
    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "02_communication_ecoute.yaml")
    >>> text = briefs_markdown(module.exercise("jeu_ecoute"), lang="fr")
    >>> print(*text.splitlines()[:3], sep="\\n")
    # Jeu de rôle : la voisine qui ne dort plus
    <BLANKLINE>
    Permanence de quartier, mardi 17 h. Mme Benali, 62 ans, vient se plaindre du bruit...
    >>> for line in text.splitlines():
    ...     if line.startswith("#"):
    ...         print(line)
    # Jeu de rôle : la voisine qui ne dort plus
    ## Médiateur ou médiatrice
    ## Mme Benali, habitante
    ## M. Benali, son fils (arrive au milieu)
    ## Observateur ou observatrice
    ### Grille d'observation
    ## Questions de débriefing
    """
    parts = [f"# {exercise.title.get(lang)}", "", exercise.situation.get(lang), ""]
    for role in exercise.roles:
        parts += [f"## {role.name.get(lang)}", "", role.brief.get(lang), ""]
        if role.kind == "observer":
            parts += [f"### {t('training.grid', lang)}", ""]
            parts += [f"- [ ] {item.text.get(lang)}" for item in exercise.grid]
            parts.append("")
    if exercise.debrief:
        parts += [f"## {t('training.debrief', lang)}", ""]
        parts += [f"- {q.get(lang)}" for q in exercise.debrief]
    return "\n".join(parts).rstrip() + "\n"


def briefs_html(exercise: RolePlay, *, lang: str | None = None) -> str:
    """A standalone HTML page, one printed page per role (``page-break-after``).

    Examples
    --------
    >>> import re
    >>> from toolkit.training import load_module, modules_dir
    >>> module = load_module(modules_dir() / "02_communication_ecoute.yaml")
    >>> page = briefs_html(module.exercise("jeu_ecoute"), lang="fr")
    >>> page.count('<section class="role">'), re.findall("<h2>(.*?)</h2>", page)[:2]
    (4, ['Médiateur ou médiatrice', 'Mme Benali, habitante'])
    >>> page.count("<tr>"), re.search("<h3>(.*?)</h3>", page).group(1)
    (5, 'Grille d&#x27;observation')
    """
    esc = html.escape
    css = (
        "body{font-family:sans-serif;max-width:40em;margin:auto}"
        ".role{page-break-after:always;border-bottom:1px dashed #999;padding:1em 0}"
        ".grid td{border:1px solid #444;padding:.3em .6em}"
    )
    body = [f"<h1>{esc(exercise.title.get(lang))}</h1>"]
    for role in exercise.roles:
        body.append('<section class="role">')
        body.append(f"<h2>{esc(role.name.get(lang))}</h2>")
        body.append(f"<p><em>{esc(exercise.situation.get(lang))}</em></p>")
        body.extend(f"<p>{esc(p)}</p>" for p in role.brief.get(lang).split("\n\n"))
        if role.kind == "observer":
            rows = "".join(
                f"<tr><td>{esc(i.text.get(lang))}</td><td>{esc(t('training.yes', lang))}"
                f" ☐</td><td>{esc(t('training.no', lang))} ☐</td></tr>"
                for i in exercise.grid
            )
            body.append(
                f"<h3>{esc(t('training.grid', lang))}</h3><table class='grid'>{rows}</table>"
            )
        body.append("</section>")
    if exercise.debrief:
        items = "".join(f"<li>{esc(q.get(lang))}</li>" for q in exercise.debrief)
        body.append(f"<h2>{esc(t('training.debrief', lang))}</h2><ul>{items}</ul>")
    title = esc(exercise.title.get(lang))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{css}</style></head><body>{''.join(body)}</body></html>"
    )
