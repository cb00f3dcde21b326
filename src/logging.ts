/** Structured JSON logs (winston) for the API, worker and launcher. */
import winston from 'winston';

export type Logger = winston.Logger;

export function createLogger(level: string, component: string): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { component },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
