namespace MiniMesos.Core.Isolation;

/// <summary>What <see cref="WarmInitPolicy"/> says about one waiting init: use it, or discard it and why.</summary>
internal enum WarmInitVerdict { Use, MountsChanged, TooOld }
