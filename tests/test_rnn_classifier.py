"""Tests of snippets/rnn_classifier.py (chapter 13)."""

from __future__ import annotations

from collections import Counter

import pytest
import torch
from torch import nn

from docbuild import runs
from snippets import rnn_classifier as rc
from snippets import softmax_classifier as sc

# ---------------------------------------------------------------- the data


def test_provider_names_are_ascii_sorted_and_unique():
    names = rc.provider_names("person", "ru_RU", ("last_names_male", "last_names"))
    assert names == sorted(set(names)) and len(names) == 500  # the male names are in both
    assert "Ivanov" in names and all(name.isascii() and name for name in names)
    greek = rc.provider_names("person", "el_GR", ("last_names",))
    assert "Papadopoylos" in greek  # letter by letter: "ου" -> "oy"


def test_surname_lists_and_shared_names():
    lists = rc.surname_lists()
    assert list(lists) == sorted(rc.SURNAME_SOURCES)
    assert {c: len(n) for c, n in lists.items()}["Czech"] == 200
    assert len(lists["Polish"]) == 3866
    shared = rc.shared_names(lists)
    assert len(shared) == 167 and {"becker", "baron"} <= shared  # the page's examples
    assert rc.shared_names({"a": ["Ab", "Cd", "cd"], "b": ["AB"], "c": ["Cd"]}) == {"ab", "cd"}


def test_balanced_split_draws_evenly_drops_shared_names_and_is_seeded():
    lists = {"x": ["Aa", "Bb", "Cc", "Dd", "Shared"], "y": ["Ee", "Ff", "Gg", "Hh", "shared"]}
    train, test = rc.balanced_split(lists, per_class=4, test_per_class=1, seed=0)
    assert Counter(c for _, c in train) == {"x": 3, "y": 3} and Counter(c for _, c in test) == {"x": 1, "y": 1}
    assert not {n for n, _ in train} & {n for n, _ in test}
    assert all(n.casefold() != "shared" for n, _ in train + test)
    assert train == sorted(train, key=lambda r: (r[1], r[0]))
    assert rc.balanced_split(lists, 4, 1, seed=0) == (train, test)
    assert any(rc.balanced_split(lists, 4, 1, seed=s)[1] != test for s in range(1, 6))
    with pytest.raises(ValueError, match="x: only 4 names of its own, 5 asked for"):
        rc.balanced_split(lists, per_class=5, test_per_class=1)


def test_the_chapter_split_and_its_report():
    train, test = rc.surname_split()
    assert len(train) == 1584 and len(test) == 396
    assert set(Counter(c for _, c in train).values()) == {144}
    assert set(Counter(c for _, c in test).values()) == {36}
    assert all(name.isascii() for name, _ in train + test)
    report = rc.split_report(train, test)
    assert report == {"in both": 0, "two classes": 0, "same stem": 43}
    czech_train = [n for n, c in train if c == "Czech"]
    czech_stems = sum(any(rc.same_stem(n, o) for o in czech_train) for n, c in test if c == "Czech")
    assert czech_stems == 20  # "more than half of the 36 Czech test names"


def test_split_report_counts_what_it_says():
    train = [("Novak", "Czech"), ("Smith", "English")]
    test = [("Novakova", "Czech"), ("smith", "English"), ("Smith", "Irish")]
    assert rc.split_report(train, test) == {"in both": 2, "two classes": 1, "same stem": 2}


def test_same_stem():
    for a, b in (("Novak", "Novakova"), ("Abramov", "Abramova"), ("Cerny", "Cerna"),
                 ("Sedlak", "Sedlacek"), ("Brown", "browne")):
        assert rc.same_stem(a, b) and rc.same_stem(b, a), (a, b)
    for a, b in (("Smith", "Smyth"), ("Collet", "Collin"), ("Ng", "Ngo"), ("Rossi", "Bianchi")):
        assert not rc.same_stem(a, b), (a, b)


def test_word_split_is_letters_only():
    train, test = rc.word_split()
    assert len(train) == 7 * 240 and len(test) == 7 * 60
    assert all(word.isalpha() and word.isascii() for word, _ in train + test)
    assert {c for _, c in train} == set(rc.WORD_SOURCES)


# ---------------------------------------------------------------- dataset and batches


def test_name_dataset_has_a_sorted_country_list():
    rows = [("Rossi", "Italian"), ("Novak", "Czech"), ("Bianchi", "Italian")]
    dataset = rc.NameDataset(rows)
    assert dataset.countries == ["Czech", "Italian"] and len(dataset) == 3
    assert dataset[0] == ("Rossi", 1) and dataset.get_country(dataset[1][1]) == "Czech"
    test = rc.NameDataset([("Dvorak", "Czech")], ["Czech", "Italian", "Polish"])
    assert test.labels == [0] and test.countries[2] == "Polish"


def test_name_to_codes_transliterates_and_refuses_empty_names():
    assert rc.name_to_codes("Ng").tolist() == [78, 103]
    assert rc.name_to_codes("Łukasz").tolist() == [ord(c) for c in "Lukasz"]
    assert int(rc.name_to_codes("Иванов").max()) < rc.N_CHARS
    with pytest.raises(ValueError, match="no characters"):
        rc.name_to_codes("  ")


def test_collate_names_pads_and_keeps_lengths_on_the_cpu():
    codes, lengths, labels = rc.collate_names([("Ng", 0), ("Novak", 1), ("Rossi", 2)])
    assert codes.shape == (5, 3) and codes.dtype == torch.int64
    assert codes[:, 0].tolist() == [78, 103, 0, 0, 0]
    assert lengths.tolist() == [2, 5, 5] and lengths.dtype == torch.int64 and lengths.device.type == "cpu"
    assert labels.tolist() == [0, 1, 2]


def test_make_loaders_batches_and_seeded_shuffle():
    train, test = rc.surname_split()
    train_set = rc.NameDataset(train)
    test_set = rc.NameDataset(test, train_set.countries)
    train_loader, test_loader = rc.make_loaders(train_set, test_set, seed=0)
    assert len(train_loader) == 25 and len(test_loader) == 7  # ceil(1584 / 64), ceil(396 / 64)
    first = next(iter(train_loader))[2]
    again = next(iter(rc.make_loaders(train_set, test_set, seed=0)[0]))[2]
    assert torch.equal(first, again) and len(set(first.tolist())) > 5
    assert next(iter(test_loader))[2].tolist()[:3] == [0, 0, 0]  # in order


# ---------------------------------------------------------------- the model


def test_classifier_shapes_and_parameters():
    torch.manual_seed(0)
    model = rc.RNNClassifier(output_size=11)
    sizes = {name: sum(p.numel() for p in part.parameters()) for name, part in model.named_children()}
    assert sizes == {"embedding": 12800, "gru": 302400, "fc": 2211}
    assert model.fc.in_features == 200
    codes, lengths, _ = rc.collate_names([("Ng", 0), ("Novak", 1), ("Rossi", 2)])
    assert model(codes, lengths).shape == (3, 11)
    one_way = rc.RNNClassifier(output_size=11, bidirectional=False)
    assert one_way.fc.in_features == 100 and one_way(codes, lengths).shape == (3, 11)


def test_classifier_ignores_padding_and_batch_order():
    torch.manual_seed(0)
    model = rc.RNNClassifier(hidden_size=16, output_size=3).eval()
    codes, lengths, _ = rc.collate_names([("Ng", 0), ("Novakova", 0), ("Rossi", 0)])
    with torch.no_grad():
        batch = model(codes, lengths)
        alone = model(rc.name_to_codes("Ng").view(-1, 1), torch.tensor([2]))
        order = torch.tensor([2, 0, 1])
        shuffled = model(codes[:, order], lengths[order])
    assert torch.allclose(batch[0], alone[0], atol=1e-6)  # the padding is not read
    assert torch.allclose(shuffled, batch[order], atol=1e-6)  # enforce_sorted=False keeps the order


def test_the_linear_layer_gets_both_directions_of_the_last_layer():
    torch.manual_seed(0)
    model = rc.RNNClassifier(hidden_size=8, output_size=2).eval()
    codes, lengths, _ = rc.collate_names([("Novak", 0), ("Ng", 1)])
    seen = {}
    model.fc.register_forward_hook(lambda module, inputs, output: seen.update(x=inputs[0]))
    with torch.no_grad():
        model(codes, lengths)
        packed = nn.utils.rnn.pack_padded_sequence(model.embedding(codes), lengths, enforce_sorted=False)
        _, hidden = model.gru(packed)
    assert torch.equal(seen["x"], torch.cat([hidden[-1], hidden[-2]], dim=1))


# ---------------------------------------------------------------- training and testing


def _toy_sets():
    """Names ending in "a" (class 0) or "o" (class 1): learnable from the last letter."""
    stems = ["Bar", "Kol", "Mir", "Ten", "Vas", "Zed", "Lup", "Gor", "Pes", "Dur"]
    rows = [(s + "a", "A") for s in stems] + [(s + "o", "O") for s in stems]
    train_set = rc.NameDataset(rows)
    return train_set, rc.NameDataset(rows, train_set.countries)


def test_fit_train_epoch_predict_evaluate_on_a_toy_problem():
    train_set, test_set = _toy_sets()
    train_loader, test_loader = rc.make_loaders(train_set, test_set, batch_size=8)
    torch.manual_seed(0)
    model = rc.RNNClassifier(hidden_size=16, output_size=2, n_layers=1)
    history = rc.fit(model, train_loader, test_loader, epochs=15, lr=0.02)
    assert len(history["loss"]) == len(history["accuracy"]) == 15
    assert history["loss"][-1] < history["loss"][0] and history["accuracy"][-1] == 1.0
    labels, predicted = rc.predict(model, test_loader)
    assert torch.equal(labels, predicted) and predicted.dtype == torch.int64
    assert not model.training  # predict() switched to evaluation mode
    assert rc.evaluate(model, test_loader) == 1.0
    loss = rc.train_epoch(model, train_loader, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters()))
    assert model.training and 0 <= loss < history["loss"][0]
    answers = rc.predict_countries(model, ["Sima", "Simo"], train_set.countries)
    assert [country for country, _ in answers] == ["A", "O"]
    assert all(0.5 < probability <= 1 for _, probability in answers)


def test_train_classifier_builds_the_chapter_setup():
    model, history, train_set, test_set = rc.train_classifier(epochs=0, seed=3)
    assert history == {"loss": [], "accuracy": []}
    assert len(train_set) == 1584 and test_set.countries == train_set.countries
    assert model.fc.out_features == 11 and model.n_directions == 2
    torch.manual_seed(3)
    fresh = rc.RNNClassifier(output_size=11)
    assert torch.equal(fresh.fc.weight, model.fc.weight)  # seeded initial weights


def test_majority_baseline():
    train_set = rc.NameDataset([("a", "x"), ("b", "y"), ("c", "y")])
    test_set = rc.NameDataset([("d", "y"), ("e", "x"), ("f", "x"), ("g", "y")], train_set.countries)
    assert rc.majority_baseline(train_set, test_set) == 0.5
    tie = rc.NameDataset([("a", "y"), ("b", "x")])
    assert rc.majority_baseline(tie, rc.NameDataset([("c", "x")], tie.countries)) == 1.0  # ties: index 0


# ---------------------------------------------------------------- the numbers the page quotes


@pytest.fixture(scope="module")
def figure_runs():
    """The figure's runs: 12 epochs, bidirectional with seeds 0-2, one-directional with seed 0."""
    bidirectional = {s: runs.cached(rc.train_classifier, epochs=12, seed=s, device="cpu") for s in (0, 1, 2)}
    one_way = runs.cached(rc.train_classifier, epochs=12, bidirectional=False, seed=0, device="cpu")
    return bidirectional, one_way


def test_accuracy_range_over_seeds_and_one_direction(figure_runs):
    bidirectional, one_way = figure_runs
    finals = [run[1]["accuracy"][-1] for run in bidirectional.values()]
    assert (f"{min(finals):.1%}", f"{max(finals):.1%}") == ("66.2%", "67.9%")
    uni = one_way[1]["accuracy"]
    bi = bidirectional[0][1]["accuracy"]
    assert f"{uni[-1]:.1%}" == "66.9%"
    assert f"{uni[0]:.1%}" == "42.2%" and f"{bi[0]:.1%}" == "49.2%"
    assert all(b > u for b, u in zip(bi[:5], uni[:5]))  # two directions learn faster at first
    assert bidirectional[0][1]["loss"][-1] < 0.3 < one_way[1]["loss"][-1]
    assert bi[:6] == runs.cached(rc.train_classifier, epochs=12, seed=0, device="cpu")[1]["accuracy"][:6]


def test_confusion_matrix_of_the_figure_run(figure_runs):
    model, _, train_set, test_set = figure_runs[0][0]
    _, test_loader = rc.make_loaders(train_set, test_set)
    labels, predicted = rc.predict(model, test_loader)
    matrix = sc.confusion_matrix(labels, predicted, num_classes=11)
    correct = dict(zip(train_set.countries, matrix.diagonal().tolist()))
    assert correct == {"Czech": 28, "Dutch": 17, "English": 21, "French": 25, "German": 14, "Greek": 29,
                       "Irish": 35, "Italian": 26, "Polish": 24, "Russian": 30, "Spanish": 13}
    countries = train_set.countries
    top = [(countries[i], countries[j], n) for i, j, n in sc.most_confused(matrix, k=3)]
    assert top == [("Italian", "Spanish", 8), ("German", "Dutch", 7), ("Spanish", "Italian", 7)]
    russian, czech = countries.index("Russian"), countries.index("Czech")
    assert matrix[russian, czech] == 5 and matrix[russian].sum() - matrix[russian, russian] == 6
