"""Request and reply models: validation, modes, templates, enums."""

from __future__ import annotations

import pytest

import boinc.submit
from boinc.submit import BatchState, ErrorMask, FileDesc, FileMode, Job, JobDesc


def test_public_names_are_documented() -> None:
    assert sorted(boinc.submit.__all__) == sorted(set(boinc.submit.__all__))
    for name in boinc.submit.__all__:
        obj = getattr(boinc.submit, name)
        if callable(obj):
            assert obj.__doc__, name


@pytest.mark.parametrize(
    ("desc", "mode", "source"),
    [
        (FileDesc.local_staged("jf_abc"), "local_staged", "jf_abc"),
        (FileDesc.local("/srv/in.txt"), "local", "/srv/in.txt"),
        (FileDesc.semilocal("http://h/x"), "semilocal", "http://h/x"),
        (FileDesc.inline("data\n"), "inline", "data\n"),
        (FileDesc.sandbox("in.txt"), "sandbox", "in.txt"),
    ],
)
def test_file_modes(desc: FileDesc, mode: str, source: str) -> None:
    assert (desc.mode, desc.source, desc.url, desc.nbytes, desc.md5) == (mode, source, None, None, None)


def test_remote_file() -> None:
    f = FileDesc.remote("http://h/in", 40, "c87214abdfa2b848bc1080e51e64bf88")
    assert (f.mode, f.source, f.url, f.nbytes, f.md5) == ("remote", None, "http://h/in", 40.0, f.md5)
    with pytest.raises(ValueError, match="md5"):
        FileDesc.remote("http://h/in", 40, "C87214ABDFA2B848BC1080E51E64BF88")
    with pytest.raises(ValueError, match="nbytes"):
        FileDesc.remote("http://h/in", -1, "0" * 32)
    with pytest.raises(ValueError, match="needs url, nbytes and md5"):
        FileDesc(mode="remote", url="http://h/in")


def test_file_mode_validation() -> None:
    with pytest.raises(ValueError, match="unknown input file mode"):
        FileDesc(mode="bogus", source="x")
    with pytest.raises(ValueError, match="needs source"):
        FileDesc(mode="inline")
    with pytest.raises(ValueError, match="needs source"):
        FileDesc(mode="local", source="x", md5="0" * 32)
    f = FileDesc(mode=FileMode.INLINE, source="x")
    assert f.mode == "inline"
    assert type(f.mode) is str


@pytest.mark.parametrize("contents", ["a\x00b", "\x1b[0m", "x\ufffe"])
def test_inline_contents_must_be_xml_text(contents: str) -> None:
    with pytest.raises(ValueError, match="XML can carry"):
        FileDesc.inline(contents)


def test_job_validation() -> None:
    with pytest.raises(ValueError, match="command_line"):
        JobDesc(command_line='say "hi"')
    with pytest.raises(ValueError, match="command_line"):
        JobDesc(command_line="a\nb")
    with pytest.raises(ValueError, match="job name"):
        JobDesc(name="two words")
    with pytest.raises(ValueError, match="job name"):
        JobDesc(name="")


def test_templates_are_unwrapped() -> None:
    job = JobDesc(
        input_template="<?xml version='1.0'?>\n<input_template>\n<file_info/>\n</input_template>\n",
        output_template="<output_template><result/></output_template>",
    )
    assert job.input_template == "\n<file_info/>\n"
    assert job.output_template == "<result/>"
    assert JobDesc(input_template="<file_info/>").input_template == "<file_info/>"


def test_open_enums() -> None:
    assert BatchState(4) is BatchState.RETIRED
    assert BatchState(9) == 9
    assert BatchState(9).name == "UNKNOWN_9"
    assert Job(errors=("cancelled", "no_canonical_result", "new_bit")).error_mask == (
        ErrorMask.CANCELLED | ErrorMask.NO_CANONICAL_RESULT
    )


def test_raw_templates_must_be_well_formed() -> None:
    import pytest

    from boinc.submit import JobDesc

    assert JobDesc(input_template="<input_template><file_info/></input_template>").input_template == "<file_info/>"
    with pytest.raises(ValueError, match="well-formed"):
        JobDesc(input_template="<file_info>")
    with pytest.raises(ValueError, match="well-formed"):
        JobDesc(output_template='<!DOCTYPE a [<!ENTITY e "x">]><output_template>&e;</output_template>')
