fn main() -> std::process::ExitCode {
    policy::cli::main()
}
