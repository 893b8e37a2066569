//! A model's response inside text decoded with its special tokens, as RL
//! trainers send it (OpenRLHF's `query` is the prompt and the response
//! decoded with `skip_special_tokens=False`): the prompt, the chat
//! template's turn markers and the end-of-turn token are not the answer.

/// Markers that open the assistant's turn in the chat templates in use
/// (ChatML / Qwen, Llama 3, Gemma, Phi-3, Mistral / Llama 2).
const ASSISTANT_TURN: [&str; 5] = [
    "<|im_start|>assistant\n",
    "<|start_header_id|>assistant<|end_header_id|>\n\n",
    "<start_of_turn>model\n",
    "<|assistant|>\n",
    "[/INST]",
];

/// Tokens that end a turn or the text, and that no program text holds: the
/// answer stops at the first one.
const END_OF_TURN: [&str; 6] = [
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|end_of_text|>",
    "<|end|>",
];

/// End tokens that a program's strings may hold (`"</s>"` in HTML): they
/// end the answer only where nothing but whitespace follows them.
const TRAILING_END: [&str; 3] = ["</s>", "<eos>", "<end_of_turn>"];

/// The response in `query`. When `prompt` starts the query, the response is
/// what follows it; otherwise (a prompt the trainer cut, or none given) it
/// is what follows the last assistant-turn marker, or the whole query. The
/// response ends at its first end-of-turn token.
pub fn response_in_query<'a>(query: &'a str, prompt: Option<&str>) -> &'a str {
    let start = match prompt {
        Some(p) if !p.is_empty() && query.starts_with(p) => p.len(),
        _ => ASSISTANT_TURN
            .iter()
            .filter_map(|m| query.rfind(m).map(|i| i + m.len()))
            .max()
            .unwrap_or(0),
    };
    let response = &query[start..];
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

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "def add(a, b):\n    return a + b\n";

    #[test]
    fn qwen_chat_template() {
        let prompt = "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWrite add.<|im_end|>\n<|im_start|>assistant\n";
        let query = format!("{prompt}{CODE}<|im_end|>\n<|endoftext|>");
        assert_eq!(response_in_query(&query, Some(prompt)), CODE);
        // The prompt cut by the trainer: the last assistant turn is found.
        assert_eq!(response_in_query(&query, Some("something else")), CODE);
        assert_eq!(response_in_query(&query, None), CODE);
    }

    #[test]
    fn llama3_chat_template() {
        let prompt = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWrite add.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
        let query = format!("{prompt}{CODE}<|eot_id|>");
        assert_eq!(response_in_query(&query, Some(prompt)), CODE);
        assert_eq!(response_in_query(&query, None), CODE);
    }

    #[test]
    fn base_model_completion() {
        let prompt = "def add(a, b):\n";
        let query = format!("{prompt}    return a + b\n<|endoftext|>junk after the end");
        assert_eq!(
            response_in_query(&query, Some(prompt)),
            "    return a + b\n"
        );
        // No markers at all: the query is the answer, up to its end token.
        assert_eq!(response_in_query("x = 1\n</s>", None), "x = 1\n");
        assert_eq!(response_in_query("x = 1", Some("")), "x = 1");
        // A string holding an end token is the program's own text.
        let html = "t = '<s>x</s>'\nprint(t)\n";
        assert_eq!(response_in_query(&format!("{html}</s>"), None), html);
    }

    #[test]
    fn a_marker_inside_the_answer_does_not_reach_the_prompt() {
        // The prompt is found, so a marker the model wrote is its own text.
        let prompt = "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n";
        let query = format!("{prompt}s = '<|im_start|>assistant\\n'\n<|im_end|>");
        assert_eq!(
            response_in_query(&query, Some(prompt)),
            "s = '<|im_start|>assistant\\n'\n"
        );
    }
}
