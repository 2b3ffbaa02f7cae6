"""Writes reference embeddings of all-MiniLM-L6-v2 computed by sentence-transformers.

The Rust embedding crate is checked against this file (cosine >= 0.999 per sentence), which
proves it runs the same model the same way: tokenisation, mean pooling over the attention
mask, L2 normalisation. Run by hand, never in CI (see README.md in this folder):

    /tmp/st/bin/python scripts/reference/embed_reference.py [--model PATH]

It writes test_data/embed/reference.json.
"""

import argparse
import json
import platform

import sentence_transformers
import torch
import transformers
from sentence_transformers import SentenceTransformer

from model_path import MODEL_LABEL, REPO, checked_model_dir

# Original sentences in the register of customer-service interview answers, from two
# words to over a hundred, with one holding non-ASCII text (accents, a euro sign, curly
# quotes, a dash and an emoji) so that the tokenizer's normalisation is exercised too. The
# longest is between 128 and 256 tokens: tokenizer.json truncates at 128, but
# sentence-transformers truncates at max_seq_length (256, sentence_bert_config.json), so
# this sentence only matches when the Rust side truncates at 256 as well.
SENTENCES = [
    "I listened.",
    "She has ordered from us every month since.",
    "I made sure she felt heard before I offered anything.",
    "The caller was shouting about a double charge on his card.",
    "Honestly, I think patience matters more than product knowledge.",
    "We cut the average wait on the phone line from nine minutes to four.",
    "My manager asked me to take over the complaints inbox while she was on leave.",
    "Looking back, I should have told him about the delay on the first day rather than hoping it would resolve itself.",
    "I repeated her concern back to her so she knew I had understood it.",
    "The refund went through the same afternoon and he left a five-star review.",
    "At the pharmacy counter, a regular customer was upset that her prescription had not arrived.",
    "Um, I guess I would just try to stay calm, you know?",
    "Renée, our café's busiest regular, said the new €4.50 “breakfast deal” felt like a trick — so I explained the pricing and gave her a loyalty card 😊.",
    "Customers who feel looked after come back.",
    "I rang the warehouse, found the last two sofas in stock, and booked a delivery slot for Saturday morning.",
    "He wanted to speak to a manager, and I told him that was fine, but asked if I could try first.",
    "Every Friday I read through the survey comments and pick one thing the team can change the next week.",
    "When a guest arrived at midnight to find the booking under the wrong name, the night porter had already gone home, the system was down for maintenance, and the only free room was one we kept for staff, so I explained all of that honestly, made him a tea while I called the duty manager, and within twenty minutes he was in a proper room with the first night taken off his bill, which he mentioned in a very kind email the following week.",
    "I don't take it personally when people are rude on the phone.",
    "In my second summer at the garden centre, a landscaper who bought from us almost every week came in furious because a pallet of paving slabs we had delivered to his client's house was the wrong colour, the client was refusing to pay him, and his crew was standing idle on site, so I apologised straight away without arguing about whose mistake it was, checked the order against the delivery note while he watched, found that our yard had loaded the charcoal slabs instead of the buff ones, phoned the yard supervisor to hold the afternoon lorry, drove out with the correct pallet myself, and arranged for the wrong one to be collected the next morning at no charge, and he has since moved all of his accounts to us and recommends us to the other trades he works with.",
    "Since then I always check the order history before I call a customer back.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="the model folder (default: the data directory's)")
    parser.add_argument("--out", default=str(REPO / "test_data/embed/reference.json"))
    args = parser.parse_args()

    folder = checked_model_dir(args.model)
    model = SentenceTransformer(str(folder), device="cpu")
    embeddings = model.encode(
        SENTENCES, batch_size=32, convert_to_numpy=True, normalize_embeddings=True
    )
    assert embeddings.shape == (len(SENTENCES), 384), embeddings.shape

    document = {
        "model": MODEL_LABEL,
        "generated_by": (
            "scripts/reference/embed_reference.py: SentenceTransformer(model folder).encode("
            "normalize_embeddings=True) on CPU with "
            f"sentence-transformers {sentence_transformers.__version__}, "
            f"transformers {transformers.__version__}, torch {torch.__version__}, "
            f"Python {platform.python_version()}"
        ),
        "sentences": SENTENCES,
        # Eight decimals are far finer than the 0.999 cosine the Rust test asks for.
        "embeddings": [[round(float(v), 8) for v in row] for row in embeddings],
    }
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(dump(document))
    words = [len(s.split()) for s in SENTENCES]
    tokens = [len(model.tokenizer(s)["input_ids"]) for s in SENTENCES]
    print(
        f"wrote {args.out}: {len(SENTENCES)} sentences, {min(words)} to {max(words)} words, "
        f"{min(tokens)} to {max(tokens)} tokens with [CLS] and [SEP]"
    )


def dump(document: dict) -> str:
    """JSON with one sentence and one embedding per line, so that diffs stay readable."""
    fields = []
    for key, value in document.items():
        if isinstance(value, list):
            rows = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in value)
            fields.append(f"{json.dumps(key)}: [\n{rows}\n ]")
        else:
            fields.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(fields) + "\n}\n"


if __name__ == "__main__":
    main()
