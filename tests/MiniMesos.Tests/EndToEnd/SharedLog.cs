namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// A log in memory that loggers write from many threads (through <see cref="Writer"/>) while a test reads it: reading
/// takes the writers' lock, since a StringBuilder read during an append can throw (seen: ArgumentOutOfRangeException
/// from StringBuilder.ToString in TlsEndToEndTests).
/// </summary>
internal sealed class SharedLog : StringWriter
{
    public SharedLog() => Writer = Synchronized(this);

    /// <summary>The writer for loggers: every call holds the lock <see cref="ToString"/> takes (TextWriter.Synchronized locks on itself).</summary>
    public TextWriter Writer { get; }

    public override string ToString()
    {
        lock (Writer) return base.ToString();
    }
}
