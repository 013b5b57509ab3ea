namespace Scheduler.Core.Roster;

/// <summary>Seeded random draws shared by the history generator and the hall simulation: one seed, one sequence.</summary>
public sealed class Draws(int seed)
{
    private readonly Random _random = new(seed);

    public double Uniform() => _random.NextDouble();

    public bool Chance(double p) => _random.NextDouble() < p;

    public double Normal(double mean, double sd)
    {
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A Poisson count (Knuth's product of uniforms; a rounded normal above a mean of 50).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 50) return Math.Max(0, (int)Math.Round(Normal(mean, Math.Sqrt(mean))));
        var l = Math.Exp(-mean);
        var k = 0;
        var p = 1.0;
        do { k++; p *= _random.NextDouble(); } while (p > l);
        return k - 1;
    }

    /// <summary>A time at the window: lognormal with this mean and a coefficient of variation of 0.5, at least a minute.</summary>
    public double ServiceMinutes(double mean, double cv = 0.5)
    {
        var sigma2 = Math.Log(1 + cv * cv);
        return Math.Max(1, mean * Math.Exp(Normal(0, 1) * Math.Sqrt(sigma2) - sigma2 / 2));
    }
}
