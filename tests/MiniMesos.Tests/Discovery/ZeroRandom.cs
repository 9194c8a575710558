namespace MiniMesos.Tests.Discovery;

/// <summary>Removes the random probe delay so schedules are exact in tests.</summary>
internal sealed class ZeroRandom : Random
{
    public override double NextDouble() => 0;
}
