"""The margins reader on arbitrary text: a dict of positive populations or a coded R010."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.report import ReportError
from toolkit.report.margins import read_margins

LINE = st.text(
    alphabet=st.sampled_from("variable;modalite,population0123456789 -.#é\t\"'"), max_size=40
)


def _outcome(path):
    try:
        return read_margins(path), None
    except ReportError as error:
        return None, error.codes


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(LINE, max_size=6))
def test_read_margins__any_text__dict_or_r010(tmp_path, lines):
    path = tmp_path / "m.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    margins, codes = _outcome(path)
    if codes is not None:
        assert codes == ["R010"]
        return
    for series in margins.values():
        assert (series > 0).all()


def test_read_margins__short_row__r010_not_index_error(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("variable,modalite,population\nsexe,f\n", encoding="utf-8")
    with pytest.raises(ReportError) as excinfo:
        read_margins(path)
    assert excinfo.value.codes == ["R010"]
    assert excinfo.value.problems[0].line == 2


def test_read_margins__infinite_population__r010(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("variable,modalite,population\nsexe,f,inf\n", encoding="utf-8")
    with pytest.raises(ReportError) as excinfo:
        read_margins(path)
    assert excinfo.value.codes == ["R010"]
