"""jieba's word segmentation with its dictionary in 3 MB of shared memory instead of 64 MB a process.

jieba keeps its 350,000 words and all their prefixes in a dict of Python strings: 64 MB in every
process that cuts text, each gunicorn worker included, where it was the largest single part of a
worker's memory. Here the same words live in a marisa trie and their frequencies in an array of
32-bit integers, written once to files beside jieba's own cache and mapped into memory, so the
operating system shares one copy between all processes. jieba's algorithm is unchanged and cuts
word for word as it does with its own dict; each lookup crosses into the trie, so cutting takes
about a third longer, which no reader notices: only search queries are cut (``publishing.search``).

The files are named after a hash of the dictionary, so another jieba version gets its own. They
are built in a child process: building reads the whole dictionary into Python objects, and a
process that did so keeps most of that memory, forked gunicorn workers included.
"""

import hashlib
import mmap
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jieba
import marisa_trie

# The frequencies file holds C unsigned ints: jieba's total (its sum over the dictionary's lines,
# a repeated word counting twice) and then each trie key's frequency. The total is 60 million.
FREQUENCY_TYPE = "I"
# Part of the files' names, so files of an older layout are never read as this one.
FILE_LAYOUT = "v1"


class TrieFrequencies:
    """The mapping jieba's ``Tokenizer.FREQ`` is read as (``in``, ``[]``, ``get``), kept in a trie."""

    __slots__ = ("frequencies", "words")

    def __init__(self, words, frequencies):
        self.words, self.frequencies = words, frequencies

    def __contains__(self, word):
        return word in self.words

    def __getitem__(self, word):
        return self.frequencies[self.words[word]]

    def get(self, word, default=None):
        key = self.words.get(word)
        return default if key is None else self.frequencies[key]


def dictionary_path():
    return Path(jieba.get_dict_file().name)


def cache_paths(dictionary):
    """Where the files for ``dictionary`` go: jieba keeps its cache in the same temporary folder."""
    digest = hashlib.sha256(dictionary.read_bytes()).hexdigest()[:16]
    stem = Path(tempfile.gettempdir()) / f"bulletin-words-{FILE_LAYOUT}-{digest}"
    return stem.with_suffix(".marisa"), stem.with_suffix(".freq")


def build(dictionary, trie_path, frequencies_path):
    """Write the trie and frequencies of ``dictionary`` (jieba's format), each file atomically."""
    with dictionary.open("rb") as file:
        frequencies, total = jieba.Tokenizer().gen_pfdict(file)
    words = marisa_trie.Trie(frequencies)
    stored = memoryview(bytearray((1 + len(words)) * 4)).cast(FREQUENCY_TYPE)
    stored[0] = total
    for word, frequency in frequencies.items():
        stored[1 + words[word]] = frequency
    # The trie is written last: its presence says both files are complete.
    _write_atomically(frequencies_path, lambda path: path.write_bytes(stored.tobytes()))
    _write_atomically(trie_path, lambda path: words.save(str(path)))


def _write_atomically(path, write):
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    write(partial)
    os.replace(partial, path)


def _map(path):
    with path.open("rb") as file:
        return memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))


_active = None


def tokenizer():
    """The process's jieba ``Tokenizer``, over the shared dictionary."""
    global _active
    if _active is None:
        _active = shared_tokenizer()
    return _active


def shared_tokenizer():
    """A jieba ``Tokenizer`` over the shared dictionary, built on first use on this machine."""
    dictionary = dictionary_path()
    trie_path, frequencies_path = cache_paths(dictionary)
    if not trie_path.exists():
        trie_path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "publishing.segmenter", str(dictionary), str(trie_path), str(frequencies_path)],
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
        )
    words = marisa_trie.Trie()
    words.mmap(str(trie_path))
    stored = _map(frequencies_path).cast(FREQUENCY_TYPE)
    segmenter = jieba.Tokenizer()
    segmenter.FREQ = TrieFrequencies(words, stored[1:])
    segmenter.total = stored[0]
    segmenter.initialized = True  # so jieba never loads its own dict on top
    return segmenter


if __name__ == "__main__":
    build(*(Path(argument) for argument in sys.argv[1:4]))
