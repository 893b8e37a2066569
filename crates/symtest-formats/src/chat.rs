//! A model's response inside text decoded with its special tokens, as RL
//! trainers send it (OpenRLHF's `query` is the prompt and the response
//! decoded with `skip_special_tokens=False`): the prompt, the chat
//! template's turn markers and the end-of-turn token are not the answer.

/// Markers that open the assistant's turn in the chat templates in use
/// (ChatML / Qwen, Llama 3, Gemma, Phi-3, DeepSeek, Mistral / Llama 2).
const ASSISTANT_TURN: [&str; 7] = [
    "<|im_start|>assistant\n",
    "<|start_header_id|>assistant<|end_header_id|>\n\n",
    "<|start_header_id|>assistant<|end_header_id|>\n",
    "<start_of_turn>model\n",
    "<|assistant|>\n",
    "<\u{ff5c}Assistant\u{ff5c}>",
    "[/INST]",
];

/// Tokens a decoded sequence may start with before its first text.
const START: [&str; 4] = ["<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>"];

/// The shortest end of a prompt that, found in a query, marks where the
/// prompt (cut from the left by the trainer) ends.
const MIN_PROMPT_TAIL: usize = 16;

/// Tokens that end a turn or the text, and that no program text holds: the
/// answer stops at the first one.
const END_OF_TURN: [&str; 7] = [
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|end_of_text|>",
    "<|end|>",
    "<\u{ff5c}end\u{2581}of\u{2581}sentence\u{ff5c}>",
];

/// End tokens that a program's strings may hold (`"</s>"` in HTML): they
/// end the answer only where nothing but whitespace follows them.
const TRAILING_END: [&str; 3] = ["</s>", "<eos>", "<end_of_turn>"];

/// The response in `query`. When `prompt` starts the query (after any
/// start-of-text tokens), the response is what follows it; otherwise (a
/// prompt the trainer cut, re-tokenized, or none given) it is what follows
/// the last assistant-turn marker, or the end of the longest tail of the
/// prompt found in the query, or the whole query. The response ends at its
/// first end-of-turn token ([`answer_text`]).
pub fn response_in_query<'a>(query: &'a str, prompt: Option<&str>) -> &'a str {
    let prompt = prompt.filter(|p| !p.is_empty());
    let after_prompt = prompt.and_then(|p| {
        [query, drop_start(query)]
            .into_iter()
            .find_map(|q| q.strip_prefix(p))
    });
    let response = after_prompt
        .or_else(|| {
            ASSISTANT_TURN
                .iter()
                .filter_map(|m| query.rfind(m).map(|i| i + m.len()))
                .max()
                .map(|i| &query[i..])
        })
        .or_else(|| {
            prompt
                .and_then(|p| prompt_tail_end(query, p))
                .map(|i| &query[i..])
        })
        .unwrap_or_else(|| drop_start(query));
    answer_text(response)
}

/// A model's answer up to its first end-of-turn token; end tokens a
/// program's text may hold (`</s>`) end it only where nothing but
/// whitespace follows.
pub fn answer_text(response: &str) -> &str {
    let end = END_OF_TURN
        .iter()
        .filter_map(|t| response.find(t))
        .min()
        .unwrap_or(response.len());
    let mut response = &response[..end];
    while let Some(t) = TRAILING_END
        .iter()
        .find(|t| response.trim_end().ends_with(**t))
    {
        let trimmed = response.trim_end();
        response = &trimmed[..trimmed.len() - t.len()];
    }
    response
}

/// `text` without the start-of-text tokens it begins with.
fn drop_start(mut text: &str) -> &str {
    while let Some(rest) = START.iter().find_map(|t| text.strip_prefix(t)) {
        text = rest;
    }
    text
}

/// Where the longest tail of `prompt` (at least [`MIN_PROMPT_TAIL`]
/// characters) found in `query` ends.
fn prompt_tail_end(query: &str, prompt: &str) -> Option<usize> {
    let starts: Vec<usize> = prompt.char_indices().map(|(i, _)| i).collect();
    let n = starts.len();
    if n < MIN_PROMPT_TAIL {
        return None;
    }
    // Binary search on the tail's length in characters: a longer tail found
    // implies every shorter one is found.
    let (mut lo, mut hi, mut best) = (MIN_PROMPT_TAIL, n, None);
    while lo <= hi {
        let mid = (lo + hi) / 2;
        let tail = &prompt[starts[n - mid]..];
        match query.find(tail) {
            Some(at) => {
                best = Some(at + tail.len());
                lo = mid + 1;
            }
            None => hi = mid - 1,
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "def add(a, b):\n    return a + b\n";
    const BODY: &str = "    return a + b\n";

    /// What `response_in_query` finds in `query` after `prompt` is `want`.
    fn assert_response(query: &str, prompt: Option<&str>, want: &str) {
        assert_eq!(
            response_in_query(query, prompt),
            want,
            "{query:?} after {prompt:?}"
        );
    }

    #[test]
    fn chat_templates() {
        // Qwen's and Llama 3's: the prompt, then the answer and its end.
        let templates = [
            (
                "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWrite add.<|im_end|>\n<|im_start|>assistant\n",
                "<|im_end|>\n<|endoftext|>",
            ),
            (
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWrite add.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                "<|eot_id|>",
            ),
        ];
        for (prompt, end) in templates {
            let query = format!("{prompt}{CODE}{end}");
            assert_response(&query, Some(prompt), CODE);
            assert_response(&query, None, CODE);
        }
        // The prompt cut by the trainer: the last assistant turn is found.
        let (prompt, end) = templates[0];
        assert_response(
            &format!("{prompt}{CODE}{end}"),
            Some("something else"),
            CODE,
        );
    }

    #[test]
    fn base_model_completion() {
        let prompt = "def add(a, b):\n";
        let query = format!("{prompt}{BODY}<|endoftext|>junk after the end");
        assert_response(&query, Some(prompt), BODY);
        // No markers at all: the query is the answer, up to its end token.
        assert_response("x = 1\n</s>", None, "x = 1\n");
        assert_response("x = 1", Some(""), "x = 1");
        // A string holding an end token is the program's own text.
        let html = "t = '<s>x</s>'\nprint(t)\n";
        assert_response(&format!("{html}</s>"), None, html);
    }

    #[test]
    fn start_tokens_and_cut_prompts() {
        let prompt = "def add(a, b):\n    \"\"\"Sum of a and b.\"\"\"\n";
        let query = format!("<|begin_of_text|>{prompt}{BODY}<|end_of_text|>");
        assert_response(&query, Some(prompt), BODY);
        // The trainer kept the prompt's end only.
        let cut = &query["<|begin_of_text|>def add(a, b".len()..];
        assert_response(cut, Some(prompt), BODY);
        let deepseek = "<\u{ff5c}User\u{ff5c}>q<\u{ff5c}Assistant\u{ff5c}>x = 1\n<\u{ff5c}end\u{2581}of\u{2581}sentence\u{ff5c}>";
        assert_response(deepseek, None, "x = 1\n");
        assert_eq!(answer_text("y = 2<|im_end|>z"), "y = 2");
    }

    /// A policy paid for passing: a wrong answer, an end token, then a made
    /// up second assistant turn holding a right one (a base model whose EOS
    /// is not the chat template's end token can emit that). Only the first
    /// turn is the answer.
    #[test]
    fn a_second_turn_after_the_end_token_is_not_the_answer() {
        let prompt = "<|im_start|>user\nwrite add<|im_end|>\n<|im_start|>assistant\n";
        let query = format!(
            "{prompt}def add(a, b):\n    return 0\n<|im_end|>\n<|im_start|>assistant\ndef add(a, b):\n    return a + b\n<|im_end|>"
        );
        assert_response(&query, Some(prompt), "def add(a, b):\n    return 0\n");
    }

    #[test]
    fn a_marker_inside_the_answer_does_not_reach_the_prompt() {
        // The prompt is found, so a marker the model wrote is its own text.
        let prompt = "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n";
        let query = format!("{prompt}s = '<|im_start|>assistant\\n'\n<|im_end|>");
        assert_response(&query, Some(prompt), "s = '<|im_start|>assistant\\n'\n");
    }
}
