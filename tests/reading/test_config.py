"""Where each instrument's configuration lives, and the keys a manifest records it by."""

from __future__ import annotations

from elevhalsa_analysis.config import PACKAGE_DIR, codebook_file, instrument_dir, package_key
from elevhalsa_analysis.registry import all_instruments


def test_a_survey_codebook_is_in_its_instrument_folder():
    assert codebook_file("elevenkat") == instrument_dir("elevenkat") / "codebook.yaml"
    assert package_key(codebook_file("elevenkat")) == "instruments/elevenkat/codebook.yaml"


def test_every_instrument_declares_configuration_that_exists_under_distinct_keys():
    # Every survey's codebook has the same file name: a key by name alone would let the
    # plan's manifest keep one codebook of three, and miss a change to the other two.
    for instrument in all_instruments():
        files = instrument.config_files
        assert files, instrument.name
        assert all(p.is_file() for p in files), instrument.name
        keys = [package_key(p) for p in files]
        assert len(set(keys)) == len(keys), instrument.name
        assert all((PACKAGE_DIR / k).resolve() == p.resolve() for k, p in zip(keys, files))
