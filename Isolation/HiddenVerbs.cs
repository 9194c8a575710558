using MiniMesos.Isolation.SelfTest;

namespace MiniMesos.Isolation;

/// <summary>Modes of the binary that are not part of the CLI: task init, and the isolation self-test the VM tests run.</summary>
internal static class HiddenVerbs
{
    public static bool Is(string verb) => verb is TaskInit.Verb or IsolationSelfTest.Verb;

    public static int Run(string[] args) => args[0] switch
    {
        TaskInit.Verb => TaskInit.Run(args),
        IsolationSelfTest.Verb => IsolationSelfTest.Run(args),
        _ => 2,
    };
}
