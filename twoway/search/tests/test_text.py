from twoway.search.text import stem_en, tokens_en_text, tokens_zh_text


def test_english_tokens_are_lower_cased_stemmed_and_without_stopwords():
    assert tokens_en_text("Men's Cotton Shirts, Long-Sleeve (2 pack)") == (
        "men cotton shirt long sleeve 2 pack"
    )
    assert tokens_en_text("Dried cherries & blueberries in a box") == ("dried cherry blueberry box")


def test_plural_stemming_keeps_words_that_only_look_plural():
    assert [stem_en(w) for w in ["boxes", "dresses", "glass", "citrus", "lens", "bus"]] == [
        "box", "dress", "glass", "citrus", "len", "bus",
    ]  # fmt: skip


def test_chinese_tokens_come_from_jieba_without_punctuation_or_function_words():
    assert tokens_zh_text("男士纯棉长袖衬衫") == "男士 纯棉 长袖 衬衫"
    assert tokens_zh_text("纯棉的衬衫，蓝色 L码") == "纯棉 衬衫 蓝色 l 码"
    assert tokens_zh_text("") == ""
