mod allocator;

#[global_allocator]
static ALLOCATOR: allocator::HugePageAlloc = allocator::HugePageAlloc;

fn main() -> std::process::ExitCode {
    policy::cli::main()
}
