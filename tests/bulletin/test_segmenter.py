"""The shared segmentation dictionary: jieba's cuts, at a fraction of a worker's memory."""

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import jieba
import pytest

from publishing import segmenter

ROOT = Path(__file__).resolve().parents[2]

TEXT = (
    "省科协召开学术年会，来自高校、科研院所和企业的三百余名代表参加。"
    "会上发布了乡村振兴科技服务团的年度报告，钙钛矿太阳能电池和人工智能辅助诊断等成果引起关注。"
    "青少年科技创新大赛在市科技馆举行，中小学生展示了机器人、无人机与生态监测作品。"
    "余明研究员作了题为《量子信息与未来通信》的报告。Python 和 5G 等外文与数字也应照常切分。"
)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(segmenter, "_active", None)
    return tmp_path


def test_cuts_exactly_as_jiebas_own_dictionary(cache_dir):
    own = jieba.Tokenizer()
    own.initialize()
    shared = segmenter.tokenizer()
    assert list(shared.cut_for_search(TEXT, HMM=False)) == list(own.cut_for_search(TEXT, HMM=False))
    assert shared.lcut(TEXT, HMM=False) == own.lcut(TEXT, HMM=False)
    assert shared.total == own.total
    assert "钙钛矿" in shared.lcut(TEXT, HMM=False)


def test_dictionary_files_are_built_once_and_then_reused(cache_dir):
    segmenter.shared_tokenizer()
    built = sorted(cache_dir.iterdir())
    assert [path.suffix for path in built] == [".freq", ".marisa"]
    stamps = [path.stat().st_mtime_ns for path in built]

    assert segmenter.shared_tokenizer().lcut("科学技术普及", HMM=False)
    assert [path.stat().st_mtime_ns for path in sorted(cache_dir.iterdir())] == stamps


def test_another_dictionary_gets_its_own_files(tmp_path):
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("科协 100 n\n", encoding="utf-8")
    assert segmenter.cache_paths(dictionary) != segmenter.cache_paths(segmenter.dictionary_path())


def test_a_process_that_cuts_text_does_not_hold_jiebas_dictionary(cache_dir):
    """jieba's own dictionary costs each process 64 MB; the shared one a few."""
    segmenter.shared_tokenizer()  # built here, so the child only maps the files
    script = textwrap.dedent(
        """
        import sys
        from publishing import segmenter

        def rss_mb():
            with open("/proc/self/status") as status:
                return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

        before = rss_mb()
        words = segmenter.tokenizer().lcut(sys.argv[1] * 20, HMM=False)
        print(len(words), rss_mb() - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, TEXT],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(cache_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    count, grown_mb = result.stdout.split()
    assert int(count) > 1000
    assert float(grown_mb) < 20
