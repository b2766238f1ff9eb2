/**
 * Colours that read on dark and light terminals (no fixed backgrounds; the selection is
 * inverse video). With NO_COLOR set, none are used: marks and +/- keep the meaning.
 */
const noColor = () => process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';

export type Colour = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray';

export function colour(c: Colour): Colour | undefined {
  return noColor() ? undefined : c;
}

export const SQL_KEYWORDS = new Set(
  'ADD ALTER AND AS ASC BEGIN BY CASCADE CASE CHECK COLUMN COMMIT CONSTRAINT CREATE DEFAULT DELETE DESC DISTINCT DROP EACH ELSE END EXISTS FOR FOREIGN FROM FUNCTION GRANT IF IN INDEX INSERT INTO IS JOIN KEY LANGUAGE NOT NULL ON OR ORDER PRIMARY PROCEDURE REFERENCES RETURN RETURNS ROW SELECT SET TABLE THEN TRIGGER TRUNCATE UNIQUE UPDATE VALUES VIEW WHEN WHERE WITH AFTER BEFORE'.split(' '),
);
